/**
 * tfjs-core (./tf, with the chained ops) plus tfjs-layers (`tf.layers`, `tf.LayersModel`,
 * `tf.loadLayersModel`, …): the namespace bcnn's modules use. Separate from ./tf so that the
 * layers declarations reach a notebook cell's type check only through modules that use layers.
 */
export * from "./tf";
export * from "@tensorflow/tfjs-layers";
