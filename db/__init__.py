"""The one SQL data layer shared by the knowledge base, staff console, cases and the action server.

SQLite file by default (no configuration), PostgreSQL when DATABASE_URL says so. Tables are declared on
`db.base.Base` in each feature's own models module and migrated with Alembic (migrations/).
"""
