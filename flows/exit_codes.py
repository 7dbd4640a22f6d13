"""What every `nhiemvu` command's exit status means, in one place (scripts and schedulers read it).

0  every file was read (or there was nothing new to read)
1  the command finished, but some files failed: the summary and `documents` say which, and why
2  the command could not do its job: a usage mistake, a missing input, the store held by another
   program, an output folder that cannot be written, a full disk
"""

from __future__ import annotations

OK = 0
FILES_FAILED = 1
USAGE_OR_ENVIRONMENT = 2
