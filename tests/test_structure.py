"""The structure rules of docs/architecture.md, checked on the source. The layers themselves
are checked by import-linter (`lint-imports`, run by `make test`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "fokus",
    "cohorts",
    "referrals",
    "participants",
    "stepladder",
    "surveys",
    "reports",
    "extracts",
    "retention",
    "imports",
]
CASE_DATA_APPS = ["cohorts", "referrals", "participants", "stepladder", "surveys", "reports"]
MAX_LINES = 400
# The scoped entry points of the case-data querysets (fokus/policy: the one rule).
SCOPED = {"for_user", "in_federation", "shared_with_officer"}


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _views() -> list[Path]:
    return [path for path in _modules() if "views" in path.parts or path.name == "views.py"]


def _case_data_models() -> set[str]:
    names = {
        m.__name__ for label in CASE_DATA_APPS for m in apps.get_app_config(label).get_models()
    }
    return names | {"AccessLogEntry"}


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_module_is_longer_than_the_limit():
    long = {
        _relative(p): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"Split these along their features (limit {MAX_LINES} lines): {long}"


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _local_imports(tree: ast.AST):
    """Imports of our own packages inside a function body."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.module:
                top = node.module.split(".")[0]
            elif isinstance(node, ast.Import):
                top = node.names[0].name.split(".")[0]
            else:
                continue
            if top in PACKAGES:
                yield function.name, node.lineno


def test_no_function_imports_our_own_code_to_dodge_a_cycle():
    # AppConfig.ready is where Django wants registrations; that is not a dodge.
    found = [
        f"{_relative(path)}:{line} in {name}()"
        for path in _modules()
        for name, line in _local_imports(ast.parse(path.read_text()))
        if not (path.name == "apps.py" and name == "ready")
    ]
    assert not found, "\n".join(found)


def test_views_reach_case_data_only_through_scoped_querysets():
    models = "|".join(sorted(_case_data_models()))
    unscoped = re.compile(rf"\b(?:{models})\.(?:objects|_default_manager)\.(\w+)")
    direct = re.compile(rf"get_object_or_404\(\s*(?:{models})\s*,")
    found = []
    for path in _views():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            calls = [m.group(1) for m in unscoped.finditer(line)]
            if any(call not in SCOPED for call in calls) or direct.search(line):
                found.append(f"{_relative(path)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("Enrolment.objects.filter(pk=1)", True),
        ("get_object_or_404(Referral, pk=pk)", True),
        ("Enrolment.objects.for_user(user).filter(pk=1)", False),
        ("Municipality.objects.filter(federation=f)", False),
    ],
)
def test_the_view_rule_tells_scoped_from_unscoped(line, flagged):
    models = "|".join(sorted(_case_data_models()))
    unscoped = re.compile(rf"\b(?:{models})\.(?:objects|_default_manager)\.(\w+)")
    direct = re.compile(rf"get_object_or_404\(\s*(?:{models})\s*,")
    calls = [m.group(1) for m in unscoped.finditer(line)]
    assert (any(c not in SCOPED for c in calls) or bool(direct.search(line))) is flagged


def _is_atomic(decorator: ast.expr) -> bool:
    return "atomic" in ast.unparse(decorator)


def _is_receiver(function: ast.FunctionDef) -> bool:
    return any("receiver(" in ast.unparse(d) for d in function.decorator_list)


def _service_contract_breaches(tree: ast.AST) -> list[str]:
    """What a public writing function (an atomic one) does against the contract: services
    take data as keyword arguments, never a form or a request."""
    breaches = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
            continue
        if not any(_is_atomic(d) for d in function.decorator_list) or _is_receiver(function):
            continue
        positional = [a.arg for a in function.args.posonlyargs + function.args.args]
        positional = [name for name in positional if name not in ("self", "cls")]
        if positional:
            breaches.append(f"{function.name}: positional {positional}")
        for argument in function.args.kwonlyargs:
            annotation = ast.unparse(argument.annotation) if argument.annotation else ""
            if argument.arg in ("request", "form") or re.search(r"Form\b|HttpRequest", annotation):
                breaches.append(f"{function.name}: takes {argument.arg}")
    return breaches


def test_services_take_data_as_keyword_arguments():
    found = [
        f"{_relative(path)}: {breach}"
        for path in [*_modules(), *(ROOT / "demo").rglob("*.py")]
        if "views" not in path.parts and "migrations" not in path.parts
        for breach in _service_contract_breaches(ast.parse(path.read_text()))
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("@transaction.atomic\ndef thing_save(*, actor, name): ...", False),
        ("@transaction.atomic\ndef thing_save(actor, *, name): ...", True),
        ("@transaction.atomic\ndef thing_save(*, actor, form: ModelForm): ...", True),
        ("@transaction.atomic\ndef thing_save(*, actor, request): ...", True),
        ("@transaction.atomic\ndef _thing_save(actor): ...", False),
        ("def thing_label(thing): ...", False),
    ],
)
def test_the_service_rule_tells_data_from_forms(source, flagged):
    assert bool(_service_contract_breaches(ast.parse(source))) is flagged
