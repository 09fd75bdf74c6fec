"""The writer check: a public service that writes must run in its own transaction.

pytest-django wraps every test in a transaction, so a service that writes (or locks rows with
`select_for_update`) outside `transaction.atomic` passes every test and fails for users, who
run in autocommit: half-saved changes, or "select_for_update cannot be used outside of a
transaction". That shipped once (`participants.plans.goal_save`).

So the whole suite watches every statement sent to the database. When one writes (INSERT,
UPDATE, DELETE) or locks (SELECT … FOR UPDATE), every public function of a service module on
the call stack must be inside a transaction *of its own*: decorated with
`@transaction.atomic`, or the call that led to the write sits inside a
`with transaction.atomic():` block of that function. Otherwise the test fails with the
function and the line. Any test that reaches a writing service checks it, in whatever
wrapping transaction the test runs.

Service modules are every module of the apps except the layers that are not services (views,
forms, models, urls, admin, apps, migrations, management commands, settings); see
`SERVICE_MODULES`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
import textwrap
from dataclasses import dataclass
from types import CodeType, FunctionType

APPS = (
    "fokus",
    "cohorts",
    "referrals",
    "participants",
    "stepladder",
    "surveys",
    "reports",
    "retention",
)

# Parts of a module path that mark a layer which is not a service.
NOT_SERVICES = {
    "views",
    "forms",
    "models",
    "urls",
    "admin",
    "apps",
    "migrations",
    "management",
    "settings",
    "wsgi",
    "templatetags",
    "embedded_db",  # starts the embedded server; no Django database writes
}

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", re.I)


class NonAtomicWrite(AssertionError):
    """A public service wrote outside a transaction of its own."""


@dataclass(frozen=True)
class Service:
    name: str  # module.function
    atomic_lines: tuple[tuple[int, int], ...]  # (first, last) line ranges inside a transaction

    def covers(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.atomic_lines)


def service_modules() -> list[str]:
    names = []
    for app in APPS:
        package = importlib.import_module(app)
        names.append(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if NOT_SERVICES.isdisjoint(info.name.split(".")[1:]):
                names.append(info.name)
    return names


def _is_atomic(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return text in ("transaction.atomic", "atomic") or text.startswith(
        ("transaction.atomic(", "atomic(")
    )


def _atomic_lines(function: FunctionType) -> tuple[tuple[int, int], ...]:
    """Line ranges of `function` (in its file's numbering) that run inside its own
    transaction: the whole body when it is decorated, else each `with transaction.atomic()`."""
    source = textwrap.dedent(inspect.getsource(function))
    tree = ast.parse(source)
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
    offset = function.__code__.co_firstlineno - 1
    # The code object's first line is the first decorator's line, as ast's lineno is not.
    if definition.decorator_list:
        offset -= definition.decorator_list[0].lineno - 1
    if any(_is_atomic(decorator) for decorator in definition.decorator_list):
        return ((definition.lineno + offset, definition.end_lineno + offset),)
    ranges = []
    for node in ast.walk(definition):
        if isinstance(node, ast.With) and any(_is_atomic(i.context_expr) for i in node.items):
            ranges.append((node.lineno + offset, node.end_lineno + offset))
    return tuple(ranges)


def public_services(module_names: list[str] | None = None) -> dict[CodeType, Service]:
    """Every public module-level function of the service modules, by its code object."""
    registry: dict[CodeType, Service] = {}
    for module_name in module_names or service_modules():
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.startswith("_") or not callable(value):
                continue
            function = inspect.unwrap(value)
            if not isinstance(function, FunctionType) or function.__module__ != module_name:
                continue
            registry[function.__code__] = Service(
                name=f"{module_name}.{name}", atomic_lines=_atomic_lines(function)
            )
    return registry


class Guard:
    """The execute wrapper: installed on every database connection the suite opens."""

    def __init__(self) -> None:
        self.services = public_services()
        self.violations: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if isinstance(sql, str) and WRITE.search(sql):
            self._check(sql)
        return execute(sql, params, many, context)

    def _check(self, sql: str) -> None:
        frame = sys._getframe(2)
        while frame is not None:
            service = self.services.get(frame.f_code)
            if service is not None and not service.covers(frame.f_lineno):
                message = (
                    f"{service.name} writes outside a transaction of its own (line "
                    f"{frame.f_lineno}: {' '.join(sql.split())[:80]}…). Decorate it with "
                    "@transaction.atomic."
                )
                self.violations.append(message)
                raise NonAtomicWrite(message)
            frame = frame.f_back

    def install(self, connection) -> None:
        # First, not last: Django's `connection.execute_wrapper()` context (pghistory's, in
        # a request) removes *the last* wrapper when it ends, and a connection opened inside
        # such a context would otherwise lose the guard and keep the other wrapper.
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.insert(0, self)
