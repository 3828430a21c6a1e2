// Browser entry: JupyterLab's rendermime registry with its standard renderers plus the
// vega5 extension (vega-lite v5), as JupyterLab 4 sets them up for notebook outputs. The test
// (test/jupyterlab-render.test.ts) bundles this with esbuild and calls window.jlabRender.
import { RenderMimeRegistry, standardRendererFactories, MimeModel } from "@jupyterlab/rendermime";
import { Widget } from "@lumino/widgets";
import vegaExtension from "@jupyterlab/vega5-extension";

const registry = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
const exts = Array.isArray(vegaExtension) ? vegaExtension : [vegaExtension];
for (const ext of exts) registry.addFactory(ext.rendererFactory, ext.rank);

/**
 * One saved output → the MIME bundle JupyterLab's output area renders (streams and errors become
 * application/vnd.jupyter.stdout / stderr, as @jupyterlab/outputarea's OutputModel does).
 */
function bundleOf(output) {
  const join = (t) => (Array.isArray(t) ? t.join("") : t);
  switch (output.output_type) {
    case "stream":
      return { data: { [`application/vnd.jupyter.${output.name === "stderr" ? "stderr" : "stdout"}`]: join(output.text) }, metadata: {} };
    case "error":
      return { data: { "application/vnd.jupyter.stderr": (output.traceback || []).join("\n") || `${output.ename}: ${output.evalue}` }, metadata: {} };
    default: {
      const data = {};
      for (const [k, v] of Object.entries(output.data || {})) data[k] = typeof v === "string" || !Array.isArray(v) ? v : v.join("");
      return { data, metadata: output.metadata || {} };
    }
  }
}

/** Render one output into `host` the way JupyterLab does; resolves to what was used. */
async function render(output, host, trusted) {
  const { data, metadata } = bundleOf(output);
  const mime = registry.preferredMimeType(data, trusted ? "any" : "ensure");
  if (!mime) return { mime: null };
  const renderer = registry.createRenderer(mime);
  const model = new MimeModel({ data, metadata, trusted });
  const box = document.createElement("div");
  box.className = "jlab-output";
  host.appendChild(box);
  Widget.attach(renderer, box);
  await renderer.renderModel(model);
  window.jlabLastRenderer = renderer;
  const r = renderer.node.getBoundingClientRect();
  return {
    mime,
    width: r.width,
    height: r.height,
    svg: renderer.node.querySelectorAll("svg").length,
    canvas: renderer.node.querySelectorAll("canvas").length,
    img: renderer.node.querySelectorAll("img").length,
    bindings: renderer.node.querySelectorAll(".vega-bindings input, .vega-bindings select").length,
  };
}

window.jlabRender = { render, registry };
