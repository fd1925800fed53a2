"""Rendering an executed notebook to a self-contained HTML page for the reader."""

from __future__ import annotations

from pathlib import Path

# --------------------------------------------------------------------------------------------
# Rendering

# The lab template without the two scripts it loads from a CDN (require.js, MathJax): the page
# must open offline. Formulas in Markdown are therefore shown as typed.
_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
"""
def make_exporter():
    """The HTML exporter of the batch: lab template, code and prompts hidden, Russian.

    Cells tagged ``remove_cell`` (or ``remove-cell``) are dropped and cells tagged
    ``remove_output`` lose their outputs — for what an analyst wants in JupyterLab only.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell", "remove-cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output", "remove-output"}
    return HTMLExporter(
        config=config, template_name="lab", template_file="proforient_report.html.j2",
        extra_loaders=[DictLoader({"proforient_report.html.j2": _TEMPLATE})],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True, language_code="ru")


def strip_for_reader(nb) -> None:
    """Remove what the reader must not see from an executed notebook, in place.

    stderr streams (warnings, kernel noise) and error outputs (a clean ``sys.exit(0)`` leaves
    one) go; papermill's own metadata stays.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                        and o.get("output_type") != "error"]


def render_html(exporter, nb, title: str, notebook_dir: Path) -> str:
    """Render an executed notebook to a self-contained HTML page.

    Parameters
    ----------
    exporter : nbconvert.HTMLExporter
        From :func:`make_exporter`.
    nb : nbformat.NotebookNode
        The executed notebook; stripped in place by :func:`strip_for_reader`.
    title : str
        The page's ``<title>`` (escaped by the template).
    notebook_dir : Path
        Where relative Markdown images are looked up to be embedded.
    """
    strip_for_reader(nb)
    nb.metadata["title"] = title
    for cell in nb.cells:
        # papermill gives its injected cell a random id, which the page's HTML repeats: a fixed
        # one makes the same notebook on the same data give the same page, wherever it ran.
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title, "path": str(notebook_dir)}})
    return body
