/** Host-side notebook runner: kernelspec, Jupyter client, notebook IO, run API, CLI. */
export {
  runNotebook,
  runNotebooks,
  runEnv,
  parseParam,
  saveProblem,
  formatBytes,
  DEFAULT_MAX_OUTPUT_BYTES,
} from "./run";
export type {
  RunOptions,
  RunManyOptions,
  RunResult,
  CellResult,
  CellStatus,
  Failure,
  Mode,
  CellStart,
  CallbackError,
} from "./run";
export { notebookParameters, checkParams } from "./parameters";
export type { NotebookParams, ParamType } from "./parameters";
export { largeContent, jsonStringPrefix } from "./protocol";
export { KernelClient, KernelStartAborted, killAllKernels } from "./client";
export type { ConnectionInfo, ExecuteOutcome, ExecuteOptions, StartOptions } from "./client";
export {
  kernelSpec,
  kernelPreload,
  installKernelSpec,
  findKernelSpec,
  listKernelSpecs,
  jupyterDataDir,
  jupyterPaths,
  installRoot,
  tslabEntry,
  KERNEL_NAME,
  KERNEL_DISPLAY_NAME,
} from "./kernelspec";
export type { KernelSpec, InstalledKernelSpec } from "./kernelspec";
export {
  readNotebook,
  parseNotebook,
  serializeNotebook,
  writeNotebook,
  writeFileAtomic,
  saveTarget,
  splitLines,
  cellTags,
} from "./notebook";
export type { Notebook, Cell, Output, MimeBundle } from "./notebook";
export { main, expandNotebookArgs, parseRunArgs } from "./cli";
