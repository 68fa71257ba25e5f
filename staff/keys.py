"""Typed application and request keys of the console, in one place."""

from __future__ import annotations

import asyncio

import jinja2
from aiohttp import web

from knowledge.store import KnowledgeStore
from staff.database import Database
from staff.form_body import FormBody
from staff.sessions import Identity
from staff.settings import StaffSettings

SETTINGS = web.AppKey("staff_settings", StaffSettings)
DATABASE = web.AppKey("staff_database", Database)
# Deferred (not BEGIN IMMEDIATE) transactions for read-only polling: the inbox's live stream reads
# twice a second per open console and must not take SQLite's write lock to do so.
READER = web.AppKey("staff_reader", Database)
# Set when the application shuts down, so long-lived responses (the inbox stream) end at once.
STOPPING = web.AppKey("staff_stopping", asyncio.Event)
STORE = web.AppKey("staff_knowledge_store", KnowledgeStore)
TEMPLATES = web.AppKey("staff_templates", jinja2.Environment)

IDENTITY = web.RequestKey("staff_identity", Identity)  # absent when nobody is signed in
FORM = web.RequestKey("staff_form", FormBody)  # the POSTed form, read once by the CSRF check
CLEAR_COOKIE = web.RequestKey("staff_clear_cookie", bool)
