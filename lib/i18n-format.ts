/** Fills `{name}` placeholders. (No server-only import: client components and every dictionary module use it.) */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}
