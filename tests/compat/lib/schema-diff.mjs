// Compares Warden's OpenAPI document with authentik's, operation by operation.
//
// For every operationId Warden serves: path, method, tags, parameters (name, in, required, schema), request
// body (required, media types, schema) and responses (status codes, media types, schemas). Schemas are compared
// after resolving $ref recursively (and drf-spectacular's single-element allOf wrappers): component names,
// type, format, nullable, readOnly, writeOnly, enum values, length limits, pattern, required, properties,
// array items, additionalProperties, oneOf/anyOf alternatives and discriminators. Descriptions, titles,
// examples and defaults are ignored: they do not change what goes over the wire.

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

/** operationId → { operationId, path, method, operation, pathItem } */
export function indexOperations(doc) {
  const index = new Map();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation?.operationId) {
        index.set(operation.operationId, { operationId: operation.operationId, path, method, operation, pathItem: item });
      }
    }
  }
  return index;
}

/** Follows local $refs ("#/components/..."); returns the target and the last component name on the way. */
function deref(doc, node) {
  let name;
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) throw new Error(`circular $ref ${node.$ref}`);
    seen.add(node.$ref);
    if (!node.$ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${node.$ref}`);
    name = node.$ref.split('/').pop();
    node = node.$ref
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((target, key) => target?.[key], doc);
    if (node === undefined) throw new Error(`unresolved $ref ${[...seen].pop()}`);
  }
  return { node, name };
}

/** A schema with its $ref resolved and a lone allOf member merged in (how drf-spectacular adds readOnly/nullable to a $ref). */
function normalize(doc, schema) {
  let { node, name } = deref(doc, schema);
  node = node ?? {};
  if (Array.isArray(node.allOf) && node.allOf.length === 1) {
    const inner = normalize(doc, node.allOf[0]);
    const { allOf, ...outer } = node;
    return { schema: { ...inner.schema, ...outer }, name: inner.name ?? name };
  }
  return { schema: node, name };
}

const show = (v) => (v === undefined ? '(none)' : JSON.stringify(v));

function additionalKind(value) {
  if (value === undefined || value === false) return 'none';
  if (value === true || (typeof value === 'object' && Object.keys(value).length === 0)) return 'any';
  return 'schema';
}

class Comparison {
  constructor(warden, authentik, operationId) {
    this.warden = warden;
    this.authentik = authentik;
    this.operationId = operationId;
    this.differences = [];
    this.pairs = new Set(); // component pairs already compared in this operation
  }

  add(where, message) {
    this.differences.push({ operationId: this.operationId, where, message });
  }

  schema(where, w, a) {
    const wn = normalize(this.warden, w);
    const an = normalize(this.authentik, a);
    if (wn.name && an.name) {
      if (wn.name !== an.name) this.add(where, `component name: Warden ${wn.name}, authentik ${an.name}`);
      const pair = `${wn.name}|${an.name}`;
      if (this.pairs.has(pair)) return;
      this.pairs.add(pair);
    }
    const ws = wn.schema;
    const as = an.schema;

    for (const key of ['type', 'format', 'pattern', 'maxLength', 'minLength', 'maxItems', 'minItems', 'maximum', 'minimum']) {
      if (ws[key] !== as[key]) this.add(where, `${key}: Warden ${show(ws[key])}, authentik ${show(as[key])}`);
    }
    for (const key of ['nullable', 'readOnly', 'writeOnly']) {
      if (Boolean(ws[key]) !== Boolean(as[key])) this.add(where, `${key}: Warden ${Boolean(ws[key])}, authentik ${Boolean(as[key])}`);
    }
    if (ws.enum || as.enum) {
      const we = JSON.stringify([...(ws.enum ?? [])].map(String).sort());
      const ae = JSON.stringify([...(as.enum ?? [])].map(String).sort());
      if (we !== ae) this.add(where, `enum: Warden ${show(ws.enum)}, authentik ${show(as.enum)}`);
    }

    const wr = new Set(ws.required ?? []);
    const ar = new Set(as.required ?? []);
    const notRequired = [...ar].filter((r) => !wr.has(r));
    const extraRequired = [...wr].filter((r) => !ar.has(r));
    if (notRequired.length) this.add(where, `required in authentik, not in Warden: ${notRequired.join(', ')}`);
    if (extraRequired.length) this.add(where, `required in Warden, not in authentik: ${extraRequired.join(', ')}`);

    const wp = ws.properties ?? {};
    const ap = as.properties ?? {};
    const missing = Object.keys(ap).filter((p) => !(p in wp));
    const extra = Object.keys(wp).filter((p) => !(p in ap));
    if (missing.length) this.add(where, `properties missing in Warden: ${missing.join(', ')}`);
    if (extra.length) this.add(where, `properties not in authentik: ${extra.join(', ')}`);
    for (const p of Object.keys(ap)) {
      if (p in wp) this.schema(`${where}.${p}`, wp[p], ap[p]);
    }

    if (ws.items || as.items) {
      if (!ws.items || !as.items) this.add(where, `items: Warden ${ws.items ? 'has' : 'has none'}, authentik ${as.items ? 'has' : 'has none'}`);
      else this.schema(`${where}[]`, ws.items, as.items);
    }

    const wk = additionalKind(ws.additionalProperties);
    const ak = additionalKind(as.additionalProperties);
    if (wk !== ak) this.add(where, `additionalProperties: Warden ${wk}, authentik ${ak}`);
    else if (wk === 'schema') this.schema(`${where}{}`, ws.additionalProperties, as.additionalProperties);

    for (const key of ['oneOf', 'anyOf', 'allOf']) this.alternatives(where, key, ws[key], as[key]);

    if (ws.discriminator || as.discriminator) {
      const wd = ws.discriminator ?? {};
      const ad = as.discriminator ?? {};
      if (wd.propertyName !== ad.propertyName) {
        this.add(where, `discriminator: Warden ${show(wd.propertyName)}, authentik ${show(ad.propertyName)}`);
      }
      const target = (ref) => (typeof ref === 'string' ? ref.split('/').pop() : ref);
      const wm = Object.fromEntries(Object.entries(wd.mapping ?? {}).map(([k, v]) => [k, target(v)]));
      const am = Object.fromEntries(Object.entries(ad.mapping ?? {}).map(([k, v]) => [k, target(v)]));
      for (const k of new Set([...Object.keys(wm), ...Object.keys(am)])) {
        if (wm[k] !== am[k]) this.add(where, `discriminator mapping ${k}: Warden ${show(wm[k])}, authentik ${show(am[k])}`);
      }
    }
  }

  alternatives(where, key, w, a) {
    if (!w && !a) return;
    if (!w || !a) {
      this.add(where, `${key}: Warden ${w ? w.length + ' schemas' : 'none'}, authentik ${a ? a.length + ' schemas' : 'none'}`);
      return;
    }
    // Alternatives are matched by component name; unnamed ones by position.
    const named = (list, doc) => list.map((s, i) => ({ s, key: deref(doc, s).name ?? `#${i}` }));
    const wl = named(w, this.warden);
    const al = named(a, this.authentik);
    const wkeys = new Set(wl.map((x) => x.key));
    const akeys = new Set(al.map((x) => x.key));
    const missing = [...akeys].filter((k) => !wkeys.has(k));
    const extra = [...wkeys].filter((k) => !akeys.has(k));
    if (missing.length) this.add(where, `${key} alternatives missing in Warden: ${missing.join(', ')}`);
    if (extra.length) this.add(where, `${key} alternatives not in authentik: ${extra.join(', ')}`);
    for (const { s, key: k } of al) {
      const match = wl.find((x) => x.key === k);
      if (match) this.schema(`${where}|${k}`, match.s, s);
    }
  }

  parameters(wOp, aOp) {
    const collect = (doc, entry) => {
      const map = new Map();
      for (const raw of [...(entry.pathItem.parameters ?? []), ...(entry.operation.parameters ?? [])]) {
        const { node } = deref(doc, raw);
        map.set(`${node.in} ${node.name}`, node);
      }
      return map;
    };
    const wp = collect(this.warden, wOp);
    const ap = collect(this.authentik, aOp);
    for (const [key, a] of ap) {
      const w = wp.get(key);
      const where = `parameter ${key}`;
      if (!w) {
        this.add(where, 'missing in Warden');
        continue;
      }
      if (Boolean(w.required) !== Boolean(a.required)) this.add(where, `required: Warden ${Boolean(w.required)}, authentik ${Boolean(a.required)}`);
      for (const k of ['style', 'explode']) {
        if (w[k] !== a[k]) this.add(where, `${k}: Warden ${show(w[k])}, authentik ${show(a[k])}`);
      }
      this.schema(where, w.schema ?? {}, a.schema ?? {});
    }
    for (const key of wp.keys()) {
      if (!ap.has(key)) this.add(`parameter ${key}`, 'not in authentik');
    }
  }

  content(where, w, a) {
    const wc = w ?? {};
    const ac = a ?? {};
    const missing = Object.keys(ac).filter((m) => !(m in wc));
    const extra = Object.keys(wc).filter((m) => !(m in ac));
    if (missing.length) this.add(where, `media types missing in Warden: ${missing.join(', ')}`);
    if (extra.length) this.add(where, `media types not in authentik: ${extra.join(', ')}`);
    for (const media of Object.keys(ac)) {
      if (media in wc) this.schema(Object.keys(ac).length > 1 ? `${where} ${media}` : where, wc[media].schema ?? {}, ac[media].schema ?? {});
    }
  }

  requestBody(wOp, aOp) {
    const w = wOp.operation.requestBody && deref(this.warden, wOp.operation.requestBody).node;
    const a = aOp.operation.requestBody && deref(this.authentik, aOp.operation.requestBody).node;
    if (!w && !a) return;
    if (!w || !a) {
      this.add('request body', `Warden ${w ? 'has one' : 'has none'}, authentik ${a ? 'has one' : 'has none'}`);
      return;
    }
    if (Boolean(w.required) !== Boolean(a.required)) this.add('request body', `required: Warden ${Boolean(w.required)}, authentik ${Boolean(a.required)}`);
    this.content('request body', w.content, a.content);
  }

  responses(wOp, aOp) {
    const w = wOp.operation.responses ?? {};
    const a = aOp.operation.responses ?? {};
    for (const status of Object.keys(a)) {
      if (!(status in w)) this.add(`response ${status}`, 'missing in Warden');
    }
    for (const status of Object.keys(w)) {
      if (!(status in a)) {
        this.add(`response ${status}`, 'not in authentik');
        continue;
      }
      const wr = deref(this.warden, w[status]).node ?? {};
      const ar = deref(this.authentik, a[status]).node ?? {};
      if (Boolean(wr.content) !== Boolean(ar.content)) {
        this.add(`response ${status}`, `body: Warden ${wr.content ? 'has one' : 'has none'}, authentik ${ar.content ? 'has one' : 'has none'}`);
        continue;
      }
      if (wr.content) this.content(`response ${status}`, wr.content, ar.content);
    }
  }
}

/**
 * Compares every operation Warden serves with authentik's operation of the same operationId.
 * Returns [{ operationId, method, path, differences: [{ operationId, path, where, message }] }].
 */
export function compareDocuments(warden, authentik) {
  const ours = indexOperations(warden);
  const theirs = indexOperations(authentik);
  const results = [];
  for (const [operationId, w] of [...ours].sort(([x], [y]) => x.localeCompare(y))) {
    const comparison = new Comparison(warden, authentik, operationId);
    const a = theirs.get(operationId);
    if (!a) {
      comparison.add('operation', "operationId not in authentik's schema");
    } else {
      if (w.path !== a.path) comparison.add('path', `Warden ${w.path}, authentik ${a.path}`);
      if (w.method !== a.method) comparison.add('method', `Warden ${w.method.toUpperCase()}, authentik ${a.method.toUpperCase()}`);
      const wt = JSON.stringify([...(w.operation.tags ?? [])].sort());
      const at = JSON.stringify([...(a.operation.tags ?? [])].sort());
      if (wt !== at) comparison.add('tags', `Warden ${wt}, authentik ${at}`);
      comparison.parameters(w, a);
      comparison.requestBody(w, a);
      comparison.responses(w, a);
    }
    for (const d of comparison.differences) d.path = w.path;
    results.push({ operationId, method: w.method.toUpperCase(), path: w.path, differences: comparison.differences });
  }
  return results;
}

/**
 * Whether an allow-list entry covers a difference: same operationId (or API path), `where` as a prefix if given, and
 * `message` as a prefix of the difference's message if given (to allow one kind of difference at a place, not all).
 */
export function allows(entry, difference) {
  const target = entry.operationId ? entry.operationId === difference.operationId : entry.path === difference.path;
  return target && (!entry.where || difference.where.startsWith(entry.where))
    && (!entry.message || difference.message.startsWith(entry.message));
}

/** Finds, for an HTTP request, the operationId of authentik's operation it calls. */
export function operationMatcher(doc) {
  const routes = [];
  for (const { operationId, path, method } of indexOperations(doc).values()) {
    const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    routes.push({ operationId, method: method.toUpperCase(), regex: new RegExp(`^${pattern}$`), literal: path.replace(/\{[^}]+\}/g, '').length });
  }
  // The most literal template wins (/core/users/me/ over /core/users/{id}/).
  routes.sort((x, y) => y.literal - x.literal);
  return (method, pathname) => routes.find((r) => r.method === method.toUpperCase() && r.regex.test(pathname))?.operationId;
}
