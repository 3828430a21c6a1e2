/**
 * Notebook-side helpers. Every notebook's setup cell:
 *
 *   import { notebook, init, seed, params, show, check, record, progress, plot } from "besselbook";
 *   notebook("05_bessel_cnn"); await init(); seed(0);
 *   const P = params({ epochs: 12 }, { smoke: { epochs: 1 } });
 */
export { notebook, resetSession } from "./session";
export type { ParamValue } from "./session";
export { mode } from "./mode";
export type { Mode } from "./mode";
export { params } from "./params";
export type { Params, Widened } from "./params";
export {
  show,
  progress,
  displayBundle,
  chartBundle,
  htmlTable,
  textTable,
  isDanfo,
  VEGALITE_MIME,
  CHART_SVG_MAX_BYTES,
  CHART_SPEC_MAX_BYTES,
  CHART_PNG_SCALE,
  CHART_PNG_SCALE_WITH_SVG,
} from "./display";
export type {
  MimeBundle,
  ChartBundle,
  ShowOptions,
  Progress,
  ProgressOptions,
  ProgressValues,
} from "./display";
export { useDisplayWriter } from "./jupyter";
export type { DisplayWriter, DisplayMessage } from "./jupyter";
export { record, resultsDocument, finish } from "./record";
export { claim, ledger, verdict, referenceKeys, CLAIM_KINDS } from "./claims";
export type { ClaimKind, ClaimSpec, ClaimEntry, CheckRecord, Source, Verdict } from "./claims";
export type { Metric } from "./record";
export { check } from "./check";
export { exerciseTodo, exerciseMode, exerciseMessage } from "./exercise";
export type { ExerciseMode } from "./exercise";
export type {
  Numeric,
  CloseOptions,
  EquivariantOptions,
  InvariantOptions,
  GroupAction,
  Label,
  IntervalLabel,
} from "./check";
export { outRoot, repoRoot, resultsPath } from "./paths";
export { atomicWrite } from "./io";
export { seed } from "../tensor/backend";
