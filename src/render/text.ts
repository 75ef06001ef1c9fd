/** At most `max` characters (not UTF-16 units, so never half an emoji), with "…" when shortened. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
