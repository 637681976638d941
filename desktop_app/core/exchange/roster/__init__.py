"""Roster import from Excel (residents, party members): tolerant reading, a preview, an all-or-nothing write.

Government templates put title rows above the header, merge cells, order columns
freely and name them in several ways; values come as text, numbers or dates. Each
problem is reported as `第N行 第X列（列名）：问题`, and nothing is written until the
preview is confirmed; then everything is written in one transaction, after a backup.

Modules: `reading` (the file and its header), `kinds` (residents and members, with their own
hooks), `preview` (every row checked, nothing written), `commit` (the all-or-nothing write), `template`.
"""
