"""The staff workspace: `crmtool serve`, the records in the browser.

A small Starlette application over the working tree, for one colleague on their own machine:
`security` (the token, the cookie, the headers, the log without personal data), `workspace`
(the repository, today and an index kept fresh by watching the files), `app` (the routes)
and `views` (one function per page, each returning a template and its values). Pages answer
from the index and the loaded records; they never print, and they write nothing (part 2 of
the workspace adds forms that write through `edit/`).
"""
