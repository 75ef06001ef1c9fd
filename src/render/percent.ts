/** An exact fraction as a percentage with one decimal, rounded half up: 2/3 → "66.7%"; nothing counted → "-". */
export function percent(share: { numerator: number; denominator: number }): string {
  if (share.denominator === 0) return '-';
  const tenths = Math.floor((share.numerator * 2000 + share.denominator) / (2 * share.denominator));
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

/** Area shares come as decimal strings of m²; compared in hundredths, exactly. */
export function areaShare(part: string, whole: string): string {
  const hundredths = (value: string) => {
    const [units = '0', fraction = ''] = value.split('.');
    return Number(units) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  };
  return percent({ numerator: hundredths(part), denominator: hundredths(whole) });
}
