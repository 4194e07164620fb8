import { expect } from "vitest";

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The named inputs of one rendered form (`hiddenOnly`: only what the page itself fills in), entity-decoded. */
function formFields(form: string, hiddenOnly: boolean): Array<[string, string]> {
  const fields = (form.match(/<input[^>]*>/g) ?? [])
    .filter((input) =>
      hiddenOnly ? /type="hidden"/.test(input) : /name="/.test(input) && !/type="(radio|checkbox)"/.test(input),
    )
    .map((input): [string, string] => [
      decodeEntities(input.match(/name="([^"]*)"/)?.[1] ?? ""),
      decodeEntities(input.match(/value="([^"]*)"/)?.[1] ?? ""),
    ]);
  expect(fields.some(([name]) => name.startsWith("$ACTION_"))).toBe(true);
  return fields;
}

const forms = (html: string) => html.match(/<form[\s\S]*?<\/form>/g) ?? [];

/**
 * The fields of the server-action form that holds the element with `data-testid="<testId>"`, as React renders them
 * for browsers without JavaScript (`$ACTION_…` plus the form's own inputs): what a replayed or forged POST sends.
 */
export function actionFormFieldsByTestId(html: string, testId: string): Array<[string, string]> {
  const form = forms(html).find((f) => f.includes(`data-testid="${testId}"`));
  if (!form) throw new Error(`no form holding data-testid="${testId}"`);
  return formFields(form, false);
}

/**
 * The hidden fields of the server-action form whose button reads `submitLabel` (`$ACTION_…` and the page's own
 * hidden inputs): what a cross-site page would copy into its own auto-submitting form.
 */
export function actionFormHiddenFields(html: string, submitLabel: string): Array<[string, string]> {
  const form = forms(html).find((f) => f.includes(`>${submitLabel}<`));
  if (!form) throw new Error(`no form with a "${submitLabel}" button`);
  return formFields(form, true);
}

export function multipart(fields: Array<[string, string]>): FormData {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  return body;
}

/** The form's fields with some filled in (replacing the rendered values of those names, as a user typing would). */
export function fill(fields: Array<[string, string]>, values: Record<string, string>): Array<[string, string]> {
  return [...fields.filter(([name]) => !(name in values)), ...Object.entries(values)];
}

/**
 * The same action called the way the page's JavaScript calls it (`useActionState`: the previous state and the
 * form's data, encoded as React's client encodes them, with the action's id in `Next-Action`). Next answers an
 * access interrupt (forbidden()) here with its status; a plain form post without JavaScript gets a 404 page.
 */
export function clientActionRequest(fields: Array<[string, string]>): {
  headers: Record<string, string>;
  body: FormData;
} {
  const reference = fields.find(([name]) => /^\$ACTION_\d+:0$/.test(name))?.[1];
  const id = reference ? (JSON.parse(reference) as { id?: string }).id : undefined;
  if (!id) throw new Error("no action reference among the form's fields");
  const body = new FormData();
  // Argument 1, the form data: its entries under the prefix `_1_`, first (the server reads the parts as they stream
  // in, and resolves the root when it arrives). Then the root: argument 0, the previous state (undefined).
  for (const [name, value] of fields) if (!name.startsWith("$ACTION_")) body.append(`_1_${name}`, value);
  body.append("0", JSON.stringify(["$undefined", "$K1"]));
  return { headers: { "next-action": id, accept: "text/x-component" }, body };
}
