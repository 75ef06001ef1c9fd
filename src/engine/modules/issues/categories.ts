/**
 * The keyword table a new community starts with, per category and locale. Keywords are matching data, not text
 * shown to anyone (category names are in locales/, categories.<code>); the committee edits them per community.
 */
export const defaultCategories: Array<{ code: string; keywords: Record<'zh-CN' | 'en', string[]> }> = [
  {
    code: 'facilities',
    keywords: {
      'zh-CN': ['电梯', '漏水', '水管', '维修', '路灯', '灯坏', '停电', '停水', '门禁', '坏了'],
      en: ['elevator', 'lift', 'leak', 'pipe', 'repair', 'broken', 'streetlight', 'power cut', 'outage'],
    },
  },
  {
    code: 'sanitation',
    keywords: {
      'zh-CN': ['垃圾', '卫生', '清洁', '异味', '污水', '蚊虫', '老鼠'],
      en: ['rubbish', 'garbage', 'trash', 'litter', 'smell', 'clean', 'rats', 'mosquito'],
    },
  },
  {
    code: 'safety',
    keywords: {
      'zh-CN': ['安全', '消防', '盗窃', '隐患', '监控', '高空抛物', '电动车充电'],
      en: ['safety', 'fire', 'theft', 'hazard', 'cctv', 'unsafe', 'e-bike charging'],
    },
  },
  {
    code: 'parking',
    keywords: { 'zh-CN': ['停车', '车位', '占道', '交通', '充电桩'], en: ['parking', 'car park', 'traffic', 'charging point'] },
  },
  {
    code: 'greenery',
    keywords: { 'zh-CN': ['绿化', '树木', '草坪', '花园', '修剪'], en: ['tree', 'trees', 'grass', 'garden', 'greenery', 'prune'] },
  },
  { code: 'noise', keywords: { 'zh-CN': ['噪音', '扰民', '装修声', '广场舞'], en: ['noise', 'noisy', 'loud'] } },
  {
    code: 'property_service',
    keywords: { 'zh-CN': ['物业', '物业费', '保安', '管理费'], en: ['property manager', 'management fee', 'security guard'] },
  },
  {
    code: 'elderly_services',
    keywords: { 'zh-CN': ['老人', '养老', '长者', '助餐', '残疾'], en: ['elderly', 'senior', 'disabled', 'meals'] },
  },
  { code: 'neighbourhood', keywords: { 'zh-CN': ['邻里', '纠纷', '宠物', '狗'], en: ['neighbour', 'neighbor', 'dispute', 'pet', 'dog'] } },
  { code: 'other', keywords: { 'zh-CN': [], en: [] } },
];

/** The category whose keywords the text hits most often; ties go to the earlier category; none hit gives null. */
export function categorise(text: string, table: Array<{ code: string; keywords: string[] }>): string | null {
  const haystack = text.normalize('NFKC').toLowerCase();
  let best: { code: string; hits: number } | null = null;
  for (const { code, keywords } of table) {
    const hits = keywords.filter((keyword) => keyword && haystack.includes(keyword.toLowerCase())).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { code, hits };
  }
  return best?.code ?? null;
}
