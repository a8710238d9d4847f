// The pure plan core: text in, Plan model out. No LSP or VS Code imports below this folder.
export * from './types';
export { PlanDocument, parsePlan } from './document';
export { LineIndex } from './lineIndex';
export { METADATA_KEYS, FOOTER_KEYS } from './assemble';
export { findTaskIds, taskIdRegExp, splitTableRow } from './facts';
export * from './analysis';
export { TEMPLATE_SECTION_NAMES, headingMatchesSection, matchTemplateSection, nearTemplateSection, sectionWords, stepHeadingNumber } from './sections';
export { extractionPattern } from './document';
export * from './progress';
export { SPEC_KIT_ID_PATTERN } from './kinds/specKit';
export { KIRO_ID_PATTERN } from './kinds/kiro';
export { parseRequirements } from './kinds/kiroRequirements';
