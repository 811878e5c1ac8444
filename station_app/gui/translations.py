"""The translation catalogue: find every user-visible string of the GUI, keep
resources/i18n/station_<lang>.ts in step, compile it to .qm.

``pyside6-lupdate`` understands ``self.tr("…")`` but not the module-level
``_tr("…")`` helpers widgets use outside their classes, so the catalogue is
extracted here with Python's own parser. It recognises:

- ``self.tr("text")``: context = the enclosing class;
- ``QCoreApplication.translate("Context", "text")`` and
  ``QT_TRANSLATE_NOOP("Context", "text")``;
- ``_tr("text")`` in a module whose ``_tr`` calls
  ``QCoreApplication.translate(<context>, text)``, with the context a string
  or a module constant; ``_noop("text")`` in such a module marks a text kept
  in a table and translated where it is shown (``_tr(TEXTS[key])``).

Texts looked up at run time (``_tr(VERDICT_TEXTS[v])``) are catalogued where
they are defined, wrapped in ``_noop`` or ``QT_TRANSLATE_NOOP``; a call
with a non-literal *context* cannot be catalogued and is reported. Texts that
slip through are caught at run time by the GUI tests, which run the windows
in Korean with a translator that records every lookup it could not answer.

The English texts the Qt-free core writes for people (``station_app.core_texts``)
are catalogued from that catalogue itself, in the context "CoreTexts"
(``gui.core_texts`` shows them translated), so their English is written once.

Run ``python -m station_app.gui.translations`` after changing GUI strings or
core texts: it updates the .ts files (new strings marked unfinished, vanished
ones dropped) and compiles them with ``pyside6-lrelease``.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from station_app import core_texts
from station_app.gui.core_texts import CONTEXT as CORE_TEXTS_CONTEXT

GUI_DIR = Path(__file__).resolve().parent
I18N_DIR = GUI_DIR.parent.parent / "resources" / "i18n"
LANGUAGES = ("ko",)  # English is the source language


@dataclass(frozen=True)
class Message:
    context: str
    source: str


@dataclass
class Catalogue:
    messages: dict[Message, list[str]] = field(default_factory=dict)  # -> "file:line"
    problems: list[str] = field(default_factory=list)  # calls that cannot be catalogued

    def add(self, message: Message, where: str) -> None:
        self.messages.setdefault(message, []).append(where)


def _literal(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _module_constants(tree: ast.Module) -> dict[str, str]:
    constants = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            constants[node.targets[0].id] = node.value.value
    return constants


def _helper_context(tree: ast.Module, constants: dict[str, str]) -> str | None:
    """The context of the module's ``_tr`` helper, if it has one."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_tr":
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate"
                    and call.args
                ):
                    return _literal(call.args[0], constants)
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, catalogue: Catalogue, path: str, constants: dict[str, str],
                 helper_context: str | None) -> None:
        self.catalogue = catalogue
        self.path = path
        self.constants = constants
        self.helper_context = helper_context
        self.classes: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # The helper's own translate(ctx, text) call is not a message.
        if node.name == "_tr" and not self.classes:
            return
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self._check(node)
        self.generic_visit(node)

    def _problem(self, node: ast.Call, what: str) -> None:
        self.catalogue.problems.append(f"{self.path}:{node.lineno}: {what}")

    def _check(self, node: ast.Call) -> None:
        func = node.func
        where = f"{self.path}:{node.lineno}"
        if isinstance(func, ast.Attribute) and func.attr == "tr":
            if not (isinstance(func.value, ast.Name) and func.value.id == "self"):
                return
            if not self.classes or not node.args:
                return
            text = _literal(node.args[0], self.constants)
            if text is not None:  # non-literal: declared with QT_TRANSLATE_NOOP
                self.catalogue.add(Message(self.classes[-1], text), where)
        elif (isinstance(func, ast.Attribute) and func.attr == "translate") or (
            isinstance(func, ast.Name) and func.id == "QT_TRANSLATE_NOOP"
        ):
            if len(node.args) < 2:
                return
            context = _literal(node.args[0], self.constants)
            text = _literal(node.args[1], self.constants)
            if context is None:
                self._problem(node, "translate() with a non-literal context")
            elif text is not None:
                self.catalogue.add(Message(context, text), where)
        elif isinstance(func, ast.Name) and func.id in ("_tr", "_noop"):
            if self.helper_context is None:
                self._problem(node, "_tr() in a module without a _tr helper over translate()")
                return
            text = _literal(node.args[0], self.constants) if node.args else None
            if text is not None:
                self.catalogue.add(Message(self.helper_context, text), where)


def extract(paths: Iterable[Path], root: Path | None = None) -> Catalogue:
    catalogue = Catalogue()
    for path in sorted(paths):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        constants = _module_constants(tree)
        shown = str(path.relative_to(root)) if root is not None else str(path)
        _Visitor(catalogue, shown, constants, _helper_context(tree, constants)).visit(tree)
    return catalogue


def gui_sources() -> list[Path]:
    return sorted(GUI_DIR.glob("*.py"))


def _core_text_lines(path: Path) -> dict[str, int]:
    """Key -> line of its ``_text("key", ...)`` definition in core_texts.py."""
    lines = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_text"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            lines[node.args[0].value] = node.lineno
    return lines


def add_core_texts(catalogue: Catalogue, root: Path | None = None) -> None:
    """Every template of ``station_app.core_texts`` in the "CoreTexts" context."""
    path = Path(core_texts.__file__).resolve()
    shown = str(path.relative_to(root)) if root is not None else str(path)
    lines = _core_text_lines(path)
    for text in core_texts.CATALOGUE:
        catalogue.add(Message(CORE_TEXTS_CONTEXT, text.template),
                      f"{shown}:{lines.get(text.key, 0)}")


def station_catalogue(root: Path | None = None) -> Catalogue:
    """What the GUI shows: its own texts and the core's."""
    catalogue = extract(gui_sources(), root=root)
    add_core_texts(catalogue, root=root)
    return catalogue


def read_ts(path: Path) -> dict[Message, str]:
    """Finished translations of a .ts file (unfinished or empty ones are left out)."""
    if not path.exists():
        return {}
    translations = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None or not translation.text:
                continue
            if translation.get("type") in ("unfinished", "vanished", "obsolete"):
                continue
            translations[Message(name, source)] = translation.text
    return translations


def write_ts(path: Path, language: str, catalogue: Catalogue,
             translations: dict[Message, str]) -> list[Message]:
    """Write the .ts for ``catalogue``; returns the messages still untranslated."""
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    missing = []
    by_context: dict[str, list[Message]] = {}
    for message in catalogue.messages:
        by_context.setdefault(message.context, []).append(message)
    for context_name in sorted(by_context):
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = context_name
        for message in sorted(by_context[context_name], key=lambda m: m.source):
            element = ET.SubElement(context, "message")
            for where in catalogue.messages[message]:
                filename, line = where.rsplit(":", 1)
                ET.SubElement(element, "location", filename=filename, line=line)
            ET.SubElement(element, "source").text = message.source
            translation = ET.SubElement(element, "translation")
            if message in translations:
                translation.text = translations[message]
            else:
                translation.set("type", "unfinished")
                missing.append(message)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n',
                    encoding="utf-8")
    return missing


def lrelease() -> str:
    """The pyside6-lrelease next to this interpreter (the venv's), or on PATH."""
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    found = str(beside) if beside.exists() else shutil.which("pyside6-lrelease")
    if found is None:
        raise FileNotFoundError("pyside6-lrelease not found (it comes with PySide6)")
    return found


def compile_ts(ts: Path, qm: Path) -> None:
    subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(qm)], check=True)


def update(languages: Sequence[str] = LANGUAGES) -> dict[str, list[Message]]:
    catalogue = station_catalogue(root=GUI_DIR.parent.parent)
    if catalogue.problems:
        raise ValueError("untranslatable calls:\n" + "\n".join(catalogue.problems))
    missing = {}
    for language in languages:
        ts = I18N_DIR / f"station_{language}.ts"
        missing[language] = write_ts(ts, language, catalogue, read_ts(ts))
        compile_ts(ts, ts.with_suffix(".qm"))
    return missing


def main() -> int:
    missing = update()
    for language, messages in missing.items():
        print(f"{language}: {len(messages)} message(s) still to translate")
        for message in messages:
            print(f"  [{message.context}] {message.source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
