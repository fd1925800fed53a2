"""Rendering an executed notebook to a self-contained HTML page for the reader."""

from __future__ import annotations

import re
from pathlib import Path

#: The page: our stylesheet in the head (screen and A4 print), each output's HTML, markdown
#: rendered; no JupyterLab CSS, no scripts, nothing loaded from outside — the page opens offline.
_TEMPLATE = """\
{%- extends 'base/display_priority.j2' -%}
{%- block header -%}
<!DOCTYPE html>
<html lang="{{ resources.language_code }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ nb.metadata.get('title', '') | escape_html_keep_quotes }}</title>
<style>{{ resources.proforient_css }}</style>
</head>
<body>
<nav class="pf-nav"><a href="index.html">← Все отчёты района</a></nav>
{%- endblock header -%}
{%- block execute_result -%}{%- block data_priority scoped -%}{{ super() }}{%- endblock -%}
{%- endblock execute_result -%}
{%- block data_html scoped -%}{{ output.data['text/html'] }}{%- endblock -%}
{%- block data_png scoped -%}
<img alt="" src="data:image/png;base64,{{ output.data['image/png'] | escape }}">
{%- endblock -%}
{%- block data_jpg scoped -%}
<img alt="" src="data:image/jpeg;base64,{{ output.data['image/jpeg'] | escape }}">
{%- endblock -%}
{%- block data_text scoped -%}<pre>{{ output.data['text/plain'] | escape }}</pre>{%- endblock -%}
{%- block stream_stdout scoped -%}<pre>{{ output.text | escape }}</pre>{%- endblock -%}
{%- block markdowncell scoped -%}{{ cell.source | markdown2html | strip_files_prefix }}
{%- endblock markdowncell -%}
{%- block footer -%}
</body>
</html>
{%- endblock footer -%}
"""
#: The stylesheet a report's header puts in the notebook (for JupyterLab); the page has it in
#: its head instead.
_INLINE_STYLE = re.compile(r'<style class="pf-style">.*?</style>', re.S)


def make_exporter():
    """The HTML exporter of the batch: our compact template, code and prompts hidden, Russian.

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
        config=config, template_name="basic", template_file="proforient_report.html.j2",
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
        for output in cell.outputs:
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = _INLINE_STYLE.sub("", "".join(data["text/html"]))


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
    from proforient.report.html import CSS

    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title, "path": str(notebook_dir)},
                       "proforient_css": CSS})
    return body
