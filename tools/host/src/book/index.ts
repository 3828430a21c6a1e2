/** Workshop copies (student notebooks without solutions) and the static HTML book. */
export {
  buildWorkshop,
  workshopStatus,
  workshopText,
  makeWorkshopCopy,
  restoreSolutions,
  codeCellDifferences,
  solutionLabels,
  stubSource,
  listNotebooks,
  stemOf,
  WORKSHOP_DIR,
  STUB_TAG,
  BANNER_TAG,
} from "./workshop";
export type { WorkshopEntry } from "./workshop";
export {
  buildSite,
  renderNotebookPage,
  pageTitle,
  notebookId,
  escapeHtml,
  VEGALITE_MIMES,
  SITE_MARKER,
} from "./html";
export type { BuildSiteOptions, SiteReport, PageInfo, FigureFile, RenderOptions } from "./html";
export { mathPlugin, renderMath, newMathContext, mathtoolsCompat } from "./math";
export type { MathContext, MathProblem } from "./math";
export { main } from "./cli";
