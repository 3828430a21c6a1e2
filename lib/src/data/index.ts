/**
 * data — the shipped Fashion-MNIST subset, the original IDX files, analytic glyphs for exact
 * rotation tests, and bridges to tfjs tensors.
 *
 *   const train = data.loadFashionMnist({ split: "train", n: 2000, seed: 0 });
 *   const x = data.toTensor4d(train);                 // [2000, 28, 28, 1]
 *   const y = data.oneHot(train.labels, train.classNames.length);
 *   const img = data.renderGlyph("F", { size: 28, angle: Math.PI / 2 });
 */
export { ImageSet, FASHION_MNIST_CLASSES } from "./types";
export {
  FashionSplit,
  LoadFashionMnistOptions,
  FashionMnist,
  loadFashionMnist,
  defaultFashionMnistDir,
  BBFM_MAGIC,
  BBFM_VERSION,
  BBFM_HEADER_BYTES,
} from "./fashionMnist";
export {
  IdxArray,
  LoadIdxOptions,
  readIdx,
  loadIdx,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
} from "./idx";
export {
  GlyphShape,
  RenderGlyphOptions,
  GlyphDatasetOptions,
  GlyphDataset,
  GLYPH_SHAPES,
  SMOOTH_GLYPHS,
  renderGlyph,
  gaussianBlur,
  rot90Image,
  glyphDataset,
} from "./glyphs";
export { ImagesLike, toTensor4d, oneHot, oneHotArray } from "./tensor";
export {
  MOLECULES,
  MoleculeName,
  MoleculeSet,
  MoleculeFrame,
  loadMolecule,
  moleculeFrames,
  defaultMoleculesDir,
} from "./molecules";
