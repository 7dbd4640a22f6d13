"""The entry points (CLI, Prefect flows). Importing this package first keeps Prefect quiet (`flows.quiet`)."""

from flows.quiet import quiet_prefect

quiet_prefect()
