"""Architecture guards (issue 10): where each kind of rule may live, checked on the source with ``ast``.

- API modules of the apps import no form (no form module, no ``*Form`` name);
- welfare's core imports no app, at any depth (function-local imports and imports by module name count);
- the apps depend in one direction: welfare ← plans ← households ← discovery;
- no role-string comparison outside the permission table (welfare/permissions.py) and the role's definition.

No Django needed: every file is parsed, never imported.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("households", "discovery", "plans")
# welfare ← plans ← households ← discovery: each app may import only the apps listed for it.
ALLOWED = {"plans": set(), "households": {"plans"}, "discovery": {"households", "plans"}}
ROLE_CODES = frozenset({"dong_official", "dong_lead", "district_planner", "district_admin", "visiting_nurse",
                        "district_case_team"})
ROLE_NAMES = frozenset({"DONG_OFFICIAL", "DONG_LEAD", "DISTRICT_PLANNER", "DISTRICT_ADMIN", "VISITING_NURSE",
                        "CASE_TEAM"})
QUERY_CALLS = frozenset({"filter", "exclude", "get", "Q", "get_or_create", "update_or_create"})
IMPORT_BY_NAME = frozenset({"import_module", "__import__", "get_model", "autodiscover_modules"})


def _modules(*tops: str) -> Iterator[Path]:
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts and "__pycache__" not in path.parts:
                yield path


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_app_module(dotted: str) -> bool:
    """``"households.jobs"`` names a module of an app (a log verb like ``"households.case.updated"`` does not)."""
    if not re.fullmatch(r"[a-z_]+(\.[a-z_][a-z0-9_]*)*", dotted) or dotted.split(".")[0] not in APPS:
        return False
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(path: Path) -> list[tuple[int, str]]:
    return imports_in(_tree(path), path)


def imports_in(tree: ast.Module, path: Path) -> list[tuple[int, str]]:
    """Every module (and ``module.name``) the file imports, at any depth, relative imports resolved; plus the
    modules it imports by name (``import_module("x")``, ``apps.get_model("app", ...)``, a string naming an
    app's module)."""
    package = list(path.relative_to(ROOT).parent.parts)
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] + ([node.module] if node.module else [])
            else:
                base = [node.module or ""]
            module = ".".join(base)
            out.append((node.lineno, module))
            out += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0] if node.args else None
            if name in IMPORT_BY_NAME and isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.append((node.lineno, first.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                and _is_app_module(node.value):
            out.append((node.lineno, node.value))
    return out


def _top(module: str) -> str:
    return module.split(".")[0]


def _sites(found: list[tuple[Path, int, str]]) -> list[str]:
    """One line per import statement (``from x import A, B`` is one site), sorted."""
    shortest: dict[tuple[str, int], str] = {}
    for path, line, module in found:
        key = (_rel(path), line)
        if key not in shortest or len(module) < len(shortest[key]):
            shortest[key] = module
    return [f"{rel}:{line} {module}" for (rel, line), module in sorted(shortest.items())]


# --- API modules import no form ------------------------------------------------------------------------------

def _is_form_import(module: str) -> bool:
    parts = module.split(".")
    return _top(module) in ("welfare", *APPS) and (
        any(part in ("form", "forms") for part in parts) or parts[-1].endswith("Form"))


def test_api_modules_import_no_form():
    offenders = _sites([
        (path, line, module)
        for path in _modules(*APPS) if any("api" in part for part in path.relative_to(ROOT).parts)
        for line, module in imports(path) if _is_form_import(module)
    ])
    assert offenders == [], "API modules use input serializers and services, never forms:\n" + "\n".join(offenders)


# --- every API serializer inherits the core's bases ---------------------------------------------------------

DRF_SERIALIZER_BASES = frozenset({"Serializer", "ModelSerializer", "HyperlinkedModelSerializer"})
SERIALIZER_BASES_HOME = "welfare/api/serializers.py"


def drf_serializer_bases(tree: ast.Module) -> list[tuple[int, str]]:
    """Classes whose base is DRF's own serializer (``serializers.Serializer``, or the name imported from
    ``rest_framework.serializers``)."""
    from_drf = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "rest_framework.serializers" for alias in node.names}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            drf = (isinstance(base, ast.Attribute) and base.attr in DRF_SERIALIZER_BASES
                   and isinstance(base.value, ast.Name) and base.value.id == "serializers") or (
                isinstance(base, ast.Name) and base.id in from_drf and base.id in DRF_SERIALIZER_BASES)
            if drf:
                found.append((node.lineno, node.name))
    return found


def test_every_api_serializer_inherits_the_cores_bases():
    offenders = [f"{_rel(path)}:{line} {name}" for path in _modules("welfare", *APPS)
                 if _rel(path) != SERIALIZER_BASES_HOME for line, name in drf_serializer_bases(_tree(path))]
    assert offenders == [], ("API serializers inherit welfare.api.serializers' Serializer or ModelSerializer (they "
                             "read plain values directly), not DRF's:\n" + "\n".join(offenders))


def test_the_serializer_guard_sees_both_spellings():
    tree = ast.parse("from rest_framework import serializers\n"
                     "from rest_framework.serializers import ModelSerializer\n"
                     "class A(serializers.Serializer): pass\n"
                     "class B(ModelSerializer): pass\n"
                     "class C(serializers.CharField): pass\n")
    assert drf_serializer_bases(tree) == [(3, "A"), (4, "B")]


# --- the core imports no app --------------------------------------------------------------------------------

def _is_core(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    if parts[0] != "welfare":
        return False
    if parts[1:] in (("urls.py",), ("settings.py",), ("demo.py",)):  # composition places
        return False
    return not (len(parts) > 2 and parts[1] in ("management", "demo"))


def test_the_core_imports_no_app():
    offenders = _sites([
        (path, line, module)
        for path in _modules("welfare") if _is_core(path)
        for line, module in imports(path) if _top(module) in APPS
    ])
    assert offenders == [], (
        "welfare's core imports no app (an app registers into the core's registry instead):\n" + "\n".join(offenders))


def test_the_import_guard_sees_function_local_relative_and_by_name_imports():
    source = ("def f():\n    from households.models import Household\n"
              "def g():\n    import importlib\n    importlib.import_module('discovery.services')\n"
              "from .models import Role\n"
              "MODULES = ('plans.api',)\nVERB = 'households.case.updated'\nPREFIX = 'discovery'\n")
    found = {module for _, module in imports_in(ast.parse(source), ROOT / "welfare" / "api" / "probe.py")}
    assert {"households.models", "households.models.Household", "discovery.services", "plans.api",
            "welfare.api.models"} <= found
    assert "households.case.updated" not in found and "discovery" not in found


# --- one direction between the apps -------------------------------------------------------------------------

@pytest.mark.parametrize("app", APPS)
def test_apps_import_only_downwards(app):
    wrong = _sites([
        (path, line, module)
        for path in _modules(app)
        for line, module in imports(path) if _top(module) in APPS and _top(module) not in {app, *ALLOWED[app]}
    ])
    assert wrong == [], (f"welfare ← plans ← households ← discovery: {app} may import only "
                         f"{sorted(ALLOWED[app]) or 'the core'}:\n" + "\n".join(wrong))


# --- no role strings outside the permission table -----------------------------------------------------------

def _role_exempt(path: Path) -> bool:
    rel = _rel(path)
    return rel in ("welfare/permissions.py", "welfare/models.py", "welfare/demo.py") or rel.startswith("welfare/demo/")


def _is_role_member(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in ROLE_NAMES
            and isinstance(node.value, ast.Name) and node.value.id == "Role")


def _has_role_member(node: ast.AST) -> bool:
    return any(_is_role_member(n) for n in ast.walk(node))


def _is_role_lookup(call: ast.Call, arg: str) -> bool:
    """``staff__role=…``, ``role__in=…`` anywhere; a plain ``role=…`` in a query (filter, exclude, get, Q)."""
    if re.search(r"(__role(__|$)|^role__)", arg):
        return True
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return arg == "role" and name in QUERY_CALLS


def role_comparisons(tree: ast.Module) -> list[tuple[int, str]]:
    """``Role.X`` in a comparison, a tuple/list/set or a ``role=`` lookup, and any literal role code."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in ROLE_CODES:
            found.append((node.lineno, f"the literal {node.value!r}"))
        elif isinstance(node, ast.Compare) and _has_role_member(node):
            found.append((node.lineno, "a comparison with Role.*"))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(_is_role_member(e) for e in node.elts):
            found.append((node.lineno, "a collection of Role.*"))
        elif isinstance(node, ast.Call):
            found += [(kw.value.lineno, f"the lookup {kw.arg}=Role.*") for kw in node.keywords
                      if kw.arg and _is_role_lookup(node, kw.arg) and _has_role_member(kw.value)]
    return found


def test_no_role_string_comparison_outside_the_permission_table():
    offenders = [
        f"{_rel(path)}:{line} {what}"
        for path in _modules("welfare", *APPS) if not _role_exempt(path)
        for line, what in role_comparisons(_tree(path))
    ]
    assert offenders == [], ("ask welfare.permissions by capability (can, roles_with, role_can) instead:\n"
                             + "\n".join(sorted(set(offenders))))


def test_templates_compare_no_role():
    pattern = re.compile(r"\.role\s*(==|!=|in\b)|\b(" + "|".join(ROLE_CODES) + r")\b")
    offenders = [
        f"{_rel(path)}:{number} {line.strip()[:80]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)
    ]
    assert offenders == [], "templates ask {% if can.<capability> %}:\n" + "\n".join(offenders)


@pytest.mark.parametrize("source, hits", [
    ("staff.role == Role.DISTRICT_PLANNER", 1),
    ("staff.role in (Role.DONG_OFFICIAL, Role.DONG_LEAD)", 2),  # the comparison and the tuple
    ("EDITORS = (Role.DONG_OFFICIAL,)", 1),
    ("User.objects.filter(staff__role=Role.DONG_LEAD)", 1),
    ("User.objects.filter(staff__role__in=roles_with('be_assigned'))", 0),
    ("x = 'district_admin'", 1),
    ("StaffMembership.objects.filter(role=Role.DISTRICT_ADMIN)", 1),
    ("StaffMembership.objects.create(user=u, role=Role.DONG_LEAD)", 0),  # giving a role is not asking one
    ("label = Role.DONG_LEAD.label", 0),
])
def test_the_role_guard_recognises(source, hits):
    assert len(role_comparisons(ast.parse(source))) == hits


# --- Spreadsheet exports -----------------------------------------------------------------------------------------

# Writers of CSV text that is not a spreadsheet for people: the import's refused row kept as one line of text
# (its cells are neutralised when errors.csv is written).
_NOT_EXPORTS = {"discovery/imports/rows.py"}


def test_every_csv_and_xlsx_writer_goes_through_the_one_cell_helper():
    """A module that writes CSV rows or builds a workbook imports welfare.common.cells' safe_row/safe_cell."""
    unsafe = []
    for path in _modules("welfare", *APPS):
        source = path.read_text(encoding="utf-8")
        if _rel(path) in _NOT_EXPORTS or "/demo/" in _rel(path):
            continue
        writes = "csv.writer(" in source or "Workbook(" in source
        if writes and not any(module == "welfare.common.cells" for _line, module in imports(path)):
            unsafe.append(_rel(path))
    assert unsafe == []
