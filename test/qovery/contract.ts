// Checks requests and responses against Qovery's official OpenAPI 3.0 spec (test-time only: uses yaml and ajv).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

export interface OpenApiOperation {
  operationId?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface OperationMatch {
  /** The spec's path, e.g. '/organization/{organizationId}/apiToken'. */
  pathTemplate: string;
  method: string;
  operation: OpenApiOperation;
  params: Record<string, string>;
}

export interface ValidationResult {
  valid: boolean;
  /** Schema violations, one line each ('/results/0/id must match format "uuid"'). */
  errors: string[];
  /** Properties the spec does not declare (typos, invented fields); reported apart from `valid`. */
  unknownProperties: string[];
  /** 'GET /organization/{organizationId}' when an operation matched. */
  operation?: string;
}

export interface RequestToCheck {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

type Direction = 'request' | 'response';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where the spec is looked for: $QOVERY_OPENAPI_SPEC when set, else <repo>/../shared/qovery-api/openapi.yaml. */
/** An inline object schema with properties but no required ones and nothing else to tell it apart. */
function isCatchAll(schema: unknown): boolean {
  return isObject(schema) && schema.$ref === undefined && isObject(schema.properties) && (!Array.isArray(schema.required) || schema.required.length === 0) && schema.additionalProperties === undefined;
}

export function specCandidates(): string[] {
  const fromEnv = process.env.QOVERY_OPENAPI_SPEC;
  if (fromEnv) {
    return [resolve(fromEnv)];
  }
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) {
    dir = dirname(dir);
  }
  return [resolve(dir, '..', 'shared', 'qovery-api', 'openapi.yaml')];
}

interface PathEntry {
  template: string;
  pattern: RegExp;
  paramNames: string[];
  literalSegments: number;
  item: Json;
}

/** A parsed spec with its compiled validators; build it with loadSpec(). */
export class Spec {
  private readonly paths: PathEntry[];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajvs = new Map<Direction, Ajv>();

  constructor(
    readonly file: string,
    readonly document: Json,
  ) {
    const paths = isObject(document.paths) ? document.paths : {};
    this.paths = Object.entries(paths).map(([template, item]) => {
      const paramNames: string[] = [];
      const segments = template.split('/');
      const source = segments
        .map((segment) =>
          segment.replace(/\{([^}]+)\}|[^{]+/g, (part, name?: string) => {
            if (name !== undefined) {
              paramNames.push(name);
              return '([^/]+)';
            }
            return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          }),
        )
        .join('/');
      return {
        template,
        pattern: new RegExp(`^${source}$`),
        paramNames,
        literalSegments: segments.filter((segment) => !segment.includes('{')).length,
        item: isObject(item) ? item : {},
      };
    });
  }

  /** Follows local `#/...` references. */
  resolveRef<T = unknown>(node: unknown): T {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 32; hops++) {
      current = this.pointer(current.$ref);
    }
    return current as T;
  }

  pointer(ref: string): unknown {
    if (!ref.startsWith('#/')) {
      throw new Error(`only local references are supported, got ${ref}`);
    }
    let node: unknown = this.document;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : undefined;
    }
    if (node === undefined) {
      throw new Error(`unresolved reference ${ref}`);
    }
    return node;
  }

  match(method: string, path: string): OperationMatch | undefined {
    const verb = method.toLowerCase();
    const bare = path.split('?')[0].split('#')[0];
    let best: { entry: PathEntry; groups: RegExpExecArray } | undefined;
    for (const entry of this.paths) {
      const groups = entry.pattern.exec(bare);
      if (groups && isObject(entry.item[verb]) && (!best || entry.literalSegments > best.entry.literalSegments)) {
        best = { entry, groups };
      }
    }
    if (!best) {
      return undefined;
    }
    const params: Record<string, string> = {};
    best.entry.paramNames.forEach((name, index) => {
      params[name] = decodeURIComponent(best.groups[index + 1]);
    });
    return { pathTemplate: best.entry.template, method: verb.toUpperCase(), operation: best.entry.item[verb] as OpenApiOperation, params };
  }

  /** Parameters of an operation, path-level ones included, references resolved. */
  parameters(match: OperationMatch): Json[] {
    const item = this.paths.find((entry) => entry.template === match.pathTemplate)?.item ?? {};
    const all = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(match.operation.parameters ?? [])];
    const byKey = new Map<string, Json>();
    for (const raw of all) {
      const parameter = this.resolveRef<unknown>(raw);
      if (isObject(parameter)) {
        byKey.set(`${String(parameter.in)}:${String(parameter.name)}`, parameter);
      }
    }
    return [...byKey.values()];
  }

  private ajv(direction: Direction): Ajv {
    let ajv = this.ajvs.get(direction);
    if (!ajv) {
      ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, unicodeRegExp: false });
      addFormats(ajv);
      const formats = new Set<string>();
      const components = isObject(this.document.components) ? this.document.components : {};
      const schemas = isObject(components.schemas) ? components.schemas : {};
      const converted: Json = {};
      for (const [name, schema] of Object.entries(schemas)) {
        converted[name] = this.convert(schema, direction, formats);
      }
      for (const format of formats) {
        if (!(format in ajv.formats)) {
          // Formats the spec invents ("cron", "uu"...) carry no checkable rule.
          ajv.addFormat(format, true);
        }
      }
      ajv.addSchema({ $id: documentId(direction), components: { schemas: converted } });
      this.ajvs.set(direction, ajv);
    }
    return ajv;
  }

  /** Compiles (once) an OpenAPI schema for the given direction. */
  validator(key: string, schema: unknown, direction: Direction): ValidateFunction {
    const cacheKey = `${direction} ${key}`;
    let validate = this.validators.get(cacheKey);
    if (!validate) {
      const ajv = this.ajv(direction);
      const formats = new Set<string>();
      const converted = this.convert(schema, direction, formats);
      for (const format of formats) {
        if (!(format in ajv.formats)) {
          ajv.addFormat(format, true);
        }
      }
      validate = ajv.compile(isObject(converted) ? converted : {});
      this.validators.set(cacheKey, validate);
    }
    return validate;
  }

  /** OpenAPI 3.0 -> draft-07: nullable as a null type, discriminator mappings as if/then (Ajv ignores `mapping`). */
  private convert(node: unknown, direction: Direction, formats: Set<string>): unknown {
    if (!isObject(node)) {
      return node;
    }
    if (typeof node.$ref === 'string') {
      const ref = { $ref: `${documentId(direction)}${node.$ref}` };
      return node.nullable === true ? { anyOf: [{ type: 'null' }, ref] } : ref;
    }
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples' || key === 'discriminator' || key === 'nullable' || key === 'xml' || key.startsWith('x-')) {
        continue;
      }
      if (key === 'properties' && isObject(value)) {
        out.properties = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, this.convert(schema, direction, formats)]));
      } else if (key === 'oneOf' && Array.isArray(value) && !isObject(node.discriminator) && value.some(isCatchAll)) {
        // An alternative that requires nothing matches every object, so a strict oneOf would refuse
        // every answer (DeploymentHistoryServiceDetails): such a oneOf is checked as anyOf.
        out.anyOf = value.map((schema) => this.convert(schema, direction, formats));
      } else if ((key === 'allOf' || key === 'oneOf' || key === 'anyOf') && Array.isArray(value)) {
        out[key] = value.map((schema) => this.convert(schema, direction, formats));
      } else if ((key === 'items' || key === 'not' || key === 'additionalProperties') && isObject(value)) {
        out[key] = this.convert(value, direction, formats);
      } else {
        out[key] = value;
      }
    }
    if (typeof node.format === 'string') {
      formats.add(node.format);
    }
    if (Array.isArray(node.required) && isObject(node.properties)) {
      const skipped = direction === 'request' ? 'readOnly' : 'writeOnly';
      const properties = node.properties;
      out.required = node.required.filter((name) => !(isObject(properties[String(name)]) && (properties[String(name)] as Json)[skipped] === true));
    }
    const discriminated = this.discriminate(node, out, direction);
    if (node.nullable === true) {
      return nullable(discriminated);
    }
    return discriminated;
  }

  private discriminate(node: Json, out: Json, direction: Direction): Json {
    const discriminator = node.discriminator;
    const alternatives = Array.isArray(node.oneOf) ? node.oneOf : Array.isArray(node.anyOf) ? node.anyOf : undefined;
    if (!isObject(discriminator) || typeof discriminator.propertyName !== 'string' || !alternatives) {
      return out;
    }
    const refs = alternatives.map((alternative) => (isObject(alternative) && typeof alternative.$ref === 'string' ? alternative.$ref : undefined));
    if (refs.some((ref) => ref === undefined)) {
      return out;
    }
    const mapping = new Map<string, string>();
    if (isObject(discriminator.mapping)) {
      for (const [value, ref] of Object.entries(discriminator.mapping)) {
        mapping.set(value, String(ref));
      }
    }
    for (const ref of refs as string[]) {
      if (![...mapping.values()].includes(ref)) {
        mapping.set(ref.split('/').pop()!, ref);
      }
    }
    const property = discriminator.propertyName;
    const { oneOf: _oneOf, anyOf: _anyOf, ...rest } = out;
    const allOf = Array.isArray(rest.allOf) ? [...(rest.allOf as unknown[])] : [];
    allOf.push({ required: [property], properties: { [property]: { enum: [...mapping.keys()] } } });
    for (const [value, ref] of mapping) {
      allOf.push({
        if: { required: [property], properties: { [property]: { const: value } } },
        then: { $ref: `${documentId(direction)}${ref}` },
      });
    }
    return { ...rest, allOf };
  }

  /** Properties present in `value` that `schema` does not declare anywhere (allOf/oneOf/anyOf merged). */
  unknownProperties(schema: unknown, value: unknown, at = ''): string[] {
    const found: string[] = [];
    this.walkUnknown(schema, value, at, found, 0);
    return found;
  }

  private walkUnknown(schema: unknown, value: unknown, at: string, found: string[], depth: number): void {
    const resolved = this.resolveRef<unknown>(schema);
    if (!isObject(resolved) || depth > 64) {
      return;
    }
    if (Array.isArray(value)) {
      const items = this.collectItems(resolved);
      value.forEach((item, index) => items.forEach((itemSchema) => this.walkUnknown(itemSchema, item, `${at}/${index}`, found, depth + 1)));
      return;
    }
    if (!isObject(value)) {
      return;
    }
    const shape = { properties: new Map<string, unknown[]>(), open: false, typed: false };
    this.collectProperties(resolved, value, shape, 0);
    for (const [key, child] of Object.entries(value)) {
      const schemas = shape.properties.get(key);
      if (!schemas) {
        if (shape.typed && !shape.open) {
          found.push(`${at}/${key}`);
        }
        continue;
      }
      const perSchema = schemas.map((candidate) => {
        const local: string[] = [];
        this.walkUnknown(candidate, child, `${at}/${key}`, local, depth + 1);
        return local;
      });
      // A property declared by several alternatives is fine if one of them knows the whole value.
      const best = perSchema.reduce((a, b) => (b.length < a.length ? b : a), perSchema[0]);
      found.push(...best);
    }
  }

  private collectItems(schema: Json): unknown[] {
    const items: unknown[] = [];
    if (schema.items !== undefined) {
      items.push(schema.items);
    }
    for (const key of ['allOf', 'oneOf', 'anyOf']) {
      const list = schema[key];
      if (Array.isArray(list)) {
        for (const member of list) {
          const resolved = this.resolveRef<unknown>(member);
          if (isObject(resolved)) {
            items.push(...this.collectItems(resolved));
          }
        }
      }
    }
    return items;
  }

  private collectProperties(schema: Json, value: Json, shape: { properties: Map<string, unknown[]>; open: boolean; typed: boolean }, depth: number): void {
    if (depth > 32) {
      return;
    }
    if (isObject(schema.properties)) {
      shape.typed = true;
      for (const [name, child] of Object.entries(schema.properties)) {
        shape.properties.set(name, [...(shape.properties.get(name) ?? []), child]);
      }
    }
    if (schema.additionalProperties === true || isObject(schema.additionalProperties)) {
      shape.open = true;
    }
    const members: unknown[] = [...(Array.isArray(schema.allOf) ? schema.allOf : [])];
    const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : [];
    const discriminator = schema.discriminator;
    if (isObject(discriminator) && isObject(discriminator.mapping) && typeof discriminator.propertyName === 'string') {
      const chosen = discriminator.mapping[String(value[discriminator.propertyName])];
      members.push(...(typeof chosen === 'string' ? [{ $ref: chosen }] : alternatives));
    } else {
      members.push(...alternatives);
    }
    for (const member of members) {
      const resolved = this.resolveRef<unknown>(member);
      if (isObject(resolved)) {
        this.collectProperties(resolved, value, shape, depth + 1);
      }
    }
  }
}

const documentId = (direction: Direction): string => `qovery-openapi-${direction}`;

function nullable(schema: Json): Json {
  const combined = ['allOf', 'oneOf', 'anyOf', '$ref', 'not'].some((key) => key in schema);
  if (typeof schema.type === 'string' && !combined) {
    const result: Json = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) {
      result.enum = [...(schema.enum as unknown[]), null];
    }
    return result;
  }
  return { anyOf: [{ type: 'null' }, schema] };
}

const cache = new Map<string, Spec>();

/** The official spec, parsed once per process; undefined when the file is absent (see specCandidates()). */
export function loadSpec(): Spec | undefined {
  const file = specCandidates().find((candidate) => existsSync(candidate));
  if (!file) {
    return undefined;
  }
  let spec = cache.get(file);
  if (!spec) {
    const document = parse(readFileSync(file, 'utf8'), { uniqueKeys: false, maxAliasCount: -1 }) as unknown;
    if (!isObject(document) || typeof document.openapi !== 'string') {
      throw new Error(`${file} is not an OpenAPI document`);
    }
    spec = new Spec(file, document);
    cache.set(file, spec);
  }
  return spec;
}

export function matchOperation(spec: Spec, method: string, path: string): OperationMatch | undefined {
  return spec.match(method, path);
}

function formatErrors(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  return (errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => `${prefix}${error.instancePath} ${error.message ?? error.keyword}${error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : ''}`);
}

function jsonSchemaOf(spec: Spec, holder: unknown): unknown {
  const resolved = spec.resolveRef<unknown>(holder);
  if (!isObject(resolved) || !isObject(resolved.content)) {
    return undefined;
  }
  const content = resolved.content;
  const key = Object.keys(content).find((type) => type === 'application/json') ?? Object.keys(content).find((type) => type.includes('json'));
  const media = key === undefined ? undefined : content[key];
  return isObject(media) ? media.schema : undefined;
}

function noOperation(method: string, path: string): ValidationResult {
  return { valid: false, errors: [`no operation of the spec matches ${method.toUpperCase()} ${path}`], unknownProperties: [] };
}

/** Checks a response body against the operation's response for this status (exact, then 2XX-style, then default). */
export function validateResponse(spec: Spec, method: string, path: string, status: number, body: unknown): ValidationResult {
  const match = spec.match(method, path);
  if (!match) {
    return noOperation(method, path);
  }
  const operation = `${match.method} ${match.pathTemplate}`;
  const responses = match.operation.responses ?? {};
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (response === undefined) {
    return { valid: false, errors: [`status ${status} is not declared for ${operation}`], unknownProperties: [], operation };
  }
  const schema = jsonSchemaOf(spec, response);
  if (schema === undefined) {
    // The spec declares no body for this status (e.g. every error of Qovery's spec): nothing to check.
    return { valid: true, errors: [], unknownProperties: [], operation };
  }
  const validate = spec.validator(`response ${operation} ${status}`, schema, 'response');
  const valid = validate(body);
  return { valid, errors: formatErrors(validate.errors, 'response'), unknownProperties: spec.unknownProperties(schema, body, 'response'), operation };
}

/** Checks a request body against the operation's requestBody schema; a body where none is declared is an error. */
export function validateRequestBody(spec: Spec, method: string, path: string, body: unknown): ValidationResult {
  const match = spec.match(method, path);
  if (!match) {
    return noOperation(method, path);
  }
  const operation = `${match.method} ${match.pathTemplate}`;
  const requestBody = spec.resolveRef<unknown>(match.operation.requestBody);
  const schema = jsonSchemaOf(spec, requestBody);
  if (schema === undefined) {
    return body === undefined
      ? { valid: true, errors: [], unknownProperties: [], operation }
      : { valid: false, errors: [`${operation} declares no JSON request body`], unknownProperties: [], operation };
  }
  if (body === undefined) {
    const required = isObject(requestBody) && requestBody.required === true;
    return { valid: !required, errors: required ? [`${operation} requires a request body`] : [], unknownProperties: [], operation };
  }
  const validate = spec.validator(`request ${operation}`, schema, 'request');
  const valid = validate(body);
  return { valid, errors: formatErrors(validate.errors, 'body'), unknownProperties: spec.unknownProperties(schema, body, 'body'), operation };
}

function coerce(value: string, schema: unknown): unknown {
  const type = isObject(schema) ? schema.type : undefined;
  if ((type === 'integer' || type === 'number') && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  if (type === 'boolean' && (value === 'true' || value === 'false')) {
    return value === 'true';
  }
  if (type === 'array') {
    return value.split(',');
  }
  return value;
}

/** Checks a whole request (e.g. a request-log entry): operation, path and query parameters, and body. */
export function validateRequest(spec: Spec, request: RequestToCheck): ValidationResult {
  const match = spec.match(request.method, request.path);
  if (!match) {
    return noOperation(request.method, request.path);
  }
  const operation = `${match.method} ${match.pathTemplate}`;
  const errors: string[] = [];
  const parameters = spec.parameters(match);
  const check = (where: 'path' | 'query', name: string, value: string): void => {
    const parameter = parameters.find((candidate) => candidate.in === where && candidate.name === name);
    if (!parameter) {
      errors.push(`${where} parameter "${name}" is not declared for ${operation}`);
      return;
    }
    const schema = spec.resolveRef<unknown>(parameter.schema);
    if (schema !== undefined) {
      const validate = spec.validator(`parameter ${operation} ${where} ${name}`, schema, 'request');
      if (!validate(coerce(value, schema))) {
        errors.push(...formatErrors(validate.errors, `${where} parameter ${name}`));
      }
    }
  };
  for (const [name, value] of Object.entries(match.params)) {
    check('path', name, value);
  }
  for (const [name, value] of Object.entries(request.query ?? {})) {
    check('query', name, value);
  }
  for (const parameter of parameters) {
    if (parameter.in === 'query' && parameter.required === true && !(String(parameter.name) in (request.query ?? {}))) {
      errors.push(`required query parameter "${String(parameter.name)}" is missing`);
    }
  }
  const body = validateRequestBody(spec, request.method, request.path, request.body);
  errors.push(...body.errors);
  return { valid: errors.length === 0, errors, unknownProperties: body.unknownProperties, operation };
}
