"""Explicit list of the modules that provide actions, and how the executor is filled from them.

Each module exposes `build_actions(context) -> list[Action]`, called once at start-up (heavy work
such as loading a search index belongs there); then an action that needs another module's action
gets it by name through its `link` method (link_actions). A module without it has its Action subclasses
instantiated without arguments. `actions.service` belongs to the knowledge base work and may be
absent in a checkout that predates it; that is logged once and its actions stay unavailable.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterable
from types import ModuleType

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from actions.context import ActionContext

logger = logging.getLogger(__name__)

ACTION_MODULES: tuple[str, ...] = (
    "actions.fallback",
    "actions.acknowledge",
    "actions.handover",
    "actions.callback",
    "actions.restart",
    "actions.case_status",
    "actions.subscriptions",
    "actions.complaint",
    "actions.form_reset",
    "actions.erasure",
    "actions.service",
)
OPTIONAL_MODULES: frozenset[str] = frozenset({"actions.service"})


def _module_actions(module: ModuleType, context: ActionContext) -> list[Action]:
    build = getattr(module, "build_actions", None)
    if callable(build):
        return list(build(context))
    return [
        cls()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action) and cls.__module__ == module.__name__ and not inspect.isabstract(cls)
    ]


def load_actions(context: ActionContext, modules: Iterable[str] = ACTION_MODULES) -> list[Action]:
    actions: list[Action] = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if name in OPTIONAL_MODULES and exc.name == name:
                logger.warning("%s is not present; its actions are unavailable", name)
                continue
            raise
        actions.extend(_module_actions(module, context))
    link_actions(actions)
    return actions


def link_actions(actions: Iterable[Action]) -> None:
    """Hands every action that asks for them (a `link(by_name)` method) the others by name, once all
    are built: the complaint form answers a service question asked inside it with the service action
    itself, which is built by another module (and may be absent)."""
    listed = list(actions)
    by_name = {action.name(): action for action in listed}
    for action in listed:
        link = getattr(action, "link", None)
        if callable(link):
            link(by_name)


def build_executor(context: ActionContext, modules: Iterable[str] = ACTION_MODULES) -> ActionExecutor:
    executor = ActionExecutor()
    seen: dict[str, str] = {}
    for action in load_actions(context, modules):
        name = action.name()
        if name in seen:
            raise RuntimeError(
                f"action {name!r} is registered twice ({seen[name]}, {type(action).__module__})"
            )
        seen[name] = type(action).__module__
        executor.register_action(action)
    logger.info("registered %d actions: %s", len(seen), ", ".join(sorted(seen)))
    return executor
