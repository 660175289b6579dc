// Building DOM without a framework. Text always goes in as text nodes; the one way to insert markup is
// trustedHtml(), used only for HTML that the server authored (prompt alerts, static fields, help texts).

/**
 * h("p", { class: "help", id: "x" }, "text", child) creates an element.
 * Attribute values: true sets a boolean attribute, false/null/undefined leave it out; keys starting with "on"
 * add event listeners; "text" sets textContent.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "text") {
      element.textContent = String(value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === "") continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Puts server-authored HTML into a container. The page's Content-Security-Policy has no 'unsafe-inline', so
 * scripts and event-handler attributes inside that HTML never run.
 */
export function trustedHtml(container, html) {
  container.innerHTML = html ?? "";
  return container;
}

/** Replaces the children of an element. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let nextId = 0;

/** A document-unique id for label/aria wiring. */
export function uniqueId(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
