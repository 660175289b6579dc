// One renderer per challenge component (authentik's ChallengeTypes). Each returns { element, focus }: the
// stage's markup and the control that should get focus (null: the page heading). Answers are posted as
// { component, ...fields } through host.submit().

import { h, trustedHtml, uniqueId } from "./dom.js";

const renderers = {
  "ak-stage-identification": identification,
  "ak-stage-password": password,
  "ak-stage-prompt": prompt,
  "ak-stage-user-login": userLogin,
  "ak-stage-access-denied": accessDenied,
  "ak-stage-flow-error": flowError,
};

export function renderStage(challenge, host) {
  const render = Object.hasOwn(renderers, challenge.component) ? renderers[challenge.component] : unsupported;
  return render(challenge, host);
}

// ---- errors -------------------------------------------------------------------------------------------

/** response_errors as { key: ["message", ...] }. */
function errorMessages(challenge) {
  const result = {};
  for (const [key, details] of Object.entries(challenge.response_errors ?? {})) {
    const list = Array.isArray(details) ? details : [details];
    result[key] = list.map((detail) => (typeof detail === "string" ? detail : detail?.string ?? String(detail)));
  }
  return result;
}

/**
 * The box at the top of a form: non_field_errors, and any error whose field this form does not show (so no
 * error is ever dropped silently).
 */
function errorSummary(errors, shownKeys) {
  const messages = [];
  for (const [key, list] of Object.entries(errors)) {
    if (key === "non_field_errors" || !shownKeys.has(key)) messages.push(...list);
  }
  if (messages.length === 0) return null;
  return h("div", { class: "alert alert-danger", role: "alert", id: "non-field-errors" },
    h("ul", {}, messages.map((message) => h("li", {}, message))));
}

function fieldErrors(messages, id) {
  if (!messages?.length) return null;
  return h("ul", { class: "field-errors", id }, messages.map((message) => h("li", {}, message)));
}

/** Links a control to its help text and errors, and marks it invalid when it has errors. */
function describe(control, ids, invalid) {
  const described = ids.filter(Boolean).join(" ");
  if (described) control.setAttribute("aria-describedby", described);
  if (invalid) control.setAttribute("aria-invalid", "true");
}

// ---- common pieces ------------------------------------------------------------------------------------

/** The form every answering stage uses; collect() gives the answer's fields (it may be async). */
function stageForm(challenge, host, { children, collect, actions }) {
  let sending = false;
  const form = h("form", { class: "stage-form", "data-component": challenge.component }, children, actions);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    const buttons = [...form.querySelectorAll("button")];
    buttons.forEach((button) => { button.disabled = true; });
    try {
      const fields = await collect(event.submitter);
      await host.submit({ component: challenge.component, ...fields });
    } finally {
      sending = false;
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
  return form;
}

function submitButton(label) {
  return h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, label));
}

function pendingUser(challenge) {
  if (!challenge.pending_user) return null;
  const cancel = challenge.flow_info?.cancel_url;
  return h("p", { class: "pending-user" },
    "Signed in as ", h("strong", { id: "pending-user" }, challenge.pending_user),
    cancel ? [" ", h("a", { href: cancel }, "Not you?")] : null);
}

/** A labelled single control with its help text (server-authored HTML, as in authentik) and its errors. */
function group({ label, required, control, helpHtml, messages }) {
  const id = control.id || uniqueId("field");
  control.id = id;
  const helpId = helpHtml ? `${id}-help` : null;
  const errorsId = messages?.length ? `${id}-errors` : null;
  describe(control, [errorsId, helpId], Boolean(errorsId));
  return h("div", { class: errorsId ? "group invalid" : "group" },
    h("label", { for: id }, label, required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
    control,
    helpHtml ? trustedHtml(h("div", { class: "help", id: helpId }), helpHtml) : null,
    fieldErrors(messages, errorsId));
}

function firstInvalid(root) {
  return root.querySelector("[aria-invalid='true']");
}

// ---- ak-stage-identification --------------------------------------------------------------------------

const USER_FIELD_LABELS = { username: "Username", email: "Email", upn: "UPN" };

function identification(challenge, host) {
  const errors = errorMessages(challenge);
  const userFields = challenge.user_fields ?? [];
  const onlyEmail = userFields.length === 1 && userFields[0] === "email";
  const children = [];
  let uid = null;
  let secret = null;
  if (userFields.length > 0) {
    uid = h("input", {
      type: onlyEmail ? "email" : "text", name: "uid_field", required: true,
      autocomplete: onlyEmail ? "email" : "username", autocapitalize: "none", spellcheck: "false",
    });
    uid.value = challenge.pending_user_identifier ?? "";
    children.push(group({
      label: userFields.map((field) => USER_FIELD_LABELS[field] ?? field).join(" or "),
      required: true, control: uid, messages: errors.uid_field,
    }));
  }
  if (challenge.password_fields) {
    secret = h("input", { type: "password", name: "password", required: true, autocomplete: "current-password" });
    children.push(group({ label: "Password", required: true, control: secret, messages: errors.password }));
  }
  const links = [
    challenge.recovery_url ? h("li", {}, h("a", { href: challenge.recovery_url }, "Forgot username or password?")) : null,
    challenge.enroll_url ? h("li", {}, h("a", { href: challenge.enroll_url }, "Need an account? Sign up.")) : null,
    challenge.passwordless_url ? h("li", {}, h("a", { href: challenge.passwordless_url }, "Use a security key")) : null,
  ].filter(Boolean);
  const shown = new Set(["uid_field", "password"].filter((key) => (key === "uid_field" ? uid : secret)));
  const form = stageForm(challenge, host, {
    children: [errorSummary(errors, shown), children],
    actions: [submitButton(challenge.primary_action || "Continue"), links.length ? h("ul", { class: "links" }, links) : null],
    collect: () => {
      const answer = {};
      if (uid) answer.uid_field = uid.value;
      if (secret) answer.password = secret.value;
      return answer;
    },
  });
  return { element: form, focus: firstInvalid(form) ?? (uid && !uid.value ? uid : secret ?? uid) };
}

// ---- ak-stage-password --------------------------------------------------------------------------------

function password(challenge, host) {
  const errors = errorMessages(challenge);
  const secret = h("input", { type: "password", name: "password", required: true, autocomplete: "current-password" });
  const form = stageForm(challenge, host, {
    children: [
      pendingUser(challenge),
      // Lets password managers pair the password with the account.
      challenge.pending_user ? h("input", { type: "hidden", name: "username", autocomplete: "username", value: challenge.pending_user }) : null,
      errorSummary(errors, new Set(["password"])),
      group({ label: "Password", required: true, control: secret, messages: errors.password }),
    ],
    actions: [
      submitButton("Continue"),
      challenge.recovery_url ? h("p", { class: "links" }, h("a", { href: challenge.recovery_url }, "Forgot password?")) : null,
    ],
    collect: () => ({ password: secret.value }),
  });
  return { element: form, focus: secret };
}

// ---- ak-stage-user-login ------------------------------------------------------------------------------

function userLogin(challenge, host) {
  const errors = errorMessages(challenge);
  const form = stageForm(challenge, host, {
    children: [
      pendingUser(challenge),
      errorSummary(errors, new Set()),
      h("h2", {}, "Stay signed in?"),
      h("p", {}, "Select Yes to be asked to sign in less often on this device."),
    ],
    actions: h("div", { class: "actions row" },
      h("button", { type: "submit", class: "button primary", name: "remember_me", value: "true" }, "Yes"),
      h("button", { type: "submit", class: "button", name: "remember_me", value: "false" }, "No")),
    collect: (submitter) => ({ remember_me: submitter?.value === "true" }),
  });
  return { element: form, focus: form.querySelector("button") };
}

// ---- ak-stage-prompt ----------------------------------------------------------------------------------

const INPUT_TYPES = {
  text: { type: "text", autocomplete: "off" },
  text_read_only: { type: "text", readonly: true },
  username: { type: "text", autocomplete: "username", autocapitalize: "none" },
  email: { type: "email", autocomplete: "email" },
  password: { type: "password", autocomplete: "new-password" },
  number: { type: "number" },
  date: { type: "date" },
  "date-time": { type: "datetime-local" },
};

const ALERT_LEVELS = { alert_info: "info", alert_warning: "warning", alert_danger: "danger" };

// Values that a server-side expression returning false/None turns into.
const FALSE_STRINGS = new Set(["", "false", "False", "0", "None", "null"]);

function choicesOf(field) {
  return (field.choices ?? []).map((choice) =>
    typeof choice === "string" ? { value: choice, label: choice } : { value: String(choice.value), label: String(choice.label ?? choice.value) });
}

/** One prompt field: { element, collect } where collect() returns [key, value] or null (nothing to send). */
function promptField(field, messages) {
  const key = field.field_key;
  const initial = field.initial_value ?? "";
  const required = Boolean(field.required);
  const placeholder = field.placeholder || null;
  const help = field.sub_text || null;

  if (ALERT_LEVELS[field.type]) {
    const level = ALERT_LEVELS[field.type];
    return {
      element: h("div", { class: `alert alert-${level}`, role: "note", "data-field-key": key },
        field.label ? h("p", { class: "alert-title" }, field.label) : null,
        trustedHtml(h("div", { class: "alert-body" }), initial)),
      collect: null,
    };
  }
  switch (field.type) {
    case "static":
      return { element: trustedHtml(h("div", { class: "static", "data-field-key": key }), initial), collect: null };
    case "separator":
      return {
        element: placeholder
          ? h("p", { class: "separator", role: "separator", "data-field-key": key }, h("span", {}, placeholder))
          : h("hr", { "data-field-key": key }),
        collect: null,
      };
    case "hidden": {
      const input = h("input", { type: "hidden", name: key, value: initial });
      return { element: input, collect: () => [key, input.value] };
    }
    case "checkbox": {
      const id = uniqueId("field");
      const input = h("input", { type: "checkbox", id, name: key, required });
      input.checked = !FALSE_STRINGS.has(initial.trim());
      const helpId = help ? `${id}-help` : null;
      const errorsId = messages?.length ? `${id}-errors` : null;
      describe(input, [errorsId, helpId], Boolean(errorsId));
      return {
        element: h("div", { class: errorsId ? "group check invalid" : "group check" },
          h("div", { class: "check-row" }, input,
            h("label", { for: id }, field.label, required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null)),
          help ? trustedHtml(h("div", { class: "help", id: helpId }), help) : null,
          fieldErrors(messages, errorsId)),
        collect: () => [key, input.checked],
      };
    }
    case "radio-button-group": {
      const id = uniqueId("field");
      const helpId = help ? `${id}-help` : null;
      const errorsId = messages?.length ? `${id}-errors` : null;
      const radios = choicesOf(field).map((choice, index) => {
        const radio = h("input", { type: "radio", id: `${id}-${index}`, name: key, value: choice.value, required });
        radio.checked = initial === choice.value;
        return { radio, label: h("label", { for: radio.id }, choice.label) };
      });
      const fieldset = h("fieldset", { class: errorsId ? "group radios invalid" : "group radios", id },
        h("legend", {}, field.label, required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
        radios.map(({ radio, label }) => h("div", { class: "check-row" }, radio, label)),
        help ? trustedHtml(h("div", { class: "help", id: helpId }), help) : null,
        fieldErrors(messages, errorsId));
      describe(fieldset, [errorsId, helpId], false);
      if (errorsId) radios.forEach(({ radio }) => radio.setAttribute("aria-invalid", "true"));
      return {
        element: fieldset,
        collect: () => {
          const checked = radios.find(({ radio }) => radio.checked);
          return checked ? [key, checked.radio.value] : null;
        },
      };
    }
    case "dropdown": {
      const select = h("select", { name: key, required },
        choicesOf(field).map((choice) => h("option", { value: choice.value, selected: initial === choice.value }, choice.label)));
      return {
        element: group({ label: field.label, required, control: select, helpHtml: help, messages }),
        collect: () => [key, select.value],
      };
    }
    case "text_area":
    case "text_area_read_only": {
      const readOnly = field.type === "text_area_read_only";
      const area = h("textarea", { name: key, rows: 4, placeholder, required: required && !readOnly, readonly: readOnly });
      area.value = initial;
      return {
        element: group({ label: field.label, required, control: area, helpHtml: help, messages }),
        collect: () => [key, area.value],
      };
    }
    case "file": {
      const input = h("input", { type: "file", name: key, required });
      return {
        element: group({ label: field.label, required, control: input, helpHtml: help, messages }),
        collect: async () => (input.files?.[0] ? [key, await dataUrl(input.files[0])] : null),
      };
    }
    default: {
      // Every input-like type; an unknown one (ak-locale, a future type) falls back to a text box.
      const spec = INPUT_TYPES[field.type] ?? { type: "text" };
      const input = h("input", { ...spec, name: key, placeholder, required: required && !spec.readonly });
      if (field.type !== "password") input.value = initial;
      return {
        element: group({ label: field.label, required, control: input, helpHtml: help, messages }),
        collect: () => [key, input.value],
      };
    }
  }
}

function dataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function prompt(challenge, host) {
  const errors = errorMessages(challenge);
  // Array.prototype.sort is stable: fields with the same order keep the server's order.
  const fields = [...(challenge.fields ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const rendered = fields.map((field) => promptField(field, errors[field.field_key]));
  // Errors of visible answering fields are shown beside them; all others go to the summary at the top.
  const shown = new Set(fields.filter((field, index) => rendered[index].collect && field.type !== "hidden").map((field) => field.field_key));
  const form = stageForm(challenge, host, {
    children: [errorSummary(errors, shown), rendered.map((field) => field.element)],
    actions: submitButton("Continue"),
    collect: async () => {
      const answer = {};
      for (const field of rendered) {
        const entry = field.collect ? await field.collect() : null;
        if (entry) answer[entry[0]] = entry[1];
      }
      return answer;
    },
  });
  const firstElement = rendered.find((field) => field.element.getAttribute("type") !== "hidden")?.element;
  const firstControl = firstElement?.querySelector?.("input, textarea, select");
  return { element: form, focus: firstInvalid(form) ?? firstControl ?? null };
}

// ---- outcomes -----------------------------------------------------------------------------------------

function accessDenied(challenge) {
  const restart = window.location.pathname + window.location.search;
  const element = h("div", { class: "stage", "data-component": challenge.component },
    pendingUser(challenge),
    h("div", { class: "alert alert-danger", role: "alert", id: "access-denied" },
      h("p", { class: "alert-title" }, "Request has been denied."),
      h("p", { id: "error-message" }, challenge.error_message || "Unknown error")),
    h("p", {}, h("a", { href: restart, class: "button" }, "Start over")));
  return { element, focus: null };
}

function flowError(challenge) {
  const element = h("div", { class: "stage", "data-component": challenge.component },
    h("div", { class: "alert alert-danger", role: "alert" },
      h("p", { class: "alert-title" }, "Something went wrong. Please try again later."),
      challenge.error ? h("p", { id: "flow-error-message" }, challenge.error) : null),
    h("dl", { class: "details" },
      h("dt", {}, "Request ID"), h("dd", {}, h("code", { id: "request-id" }, challenge.request_id ?? ""))),
    challenge.traceback ? h("details", {}, h("summary", {}, "Technical details"), h("pre", {}, challenge.traceback)) : null);
  return { element, focus: null };
}

function unsupported(challenge) {
  const element = h("div", { class: "stage", "data-component": challenge.component },
    h("div", { class: "alert alert-warning", role: "alert", id: "unsupported-stage" },
      h("p", {}, "This step cannot be shown on this page. Its component is ", h("code", {}, String(challenge.component)), ".")));
  return { element, focus: null };
}
