# SPDX-License-Identifier: BSD-3-Clause
"""Exceptions of the rflesion package."""


class FormatError(ValueError):
    """The file is not an rflesion result or sweep table, or has a format this package
    does not read."""


class NotSavedError(LookupError):
    """A field or a time that the result file does not hold; the message lists what it
    holds."""


class RflesionError(RuntimeError):
    """The rflesion program failed: bad input or usage (exit code 2), a numerical failure
    (3) or an I/O or system failure (4).

    Attributes: returncode, stderr (the program's messages), command (the command line).
    """

    MEANINGS = {2: "bad input or usage", 3: "numerical failure", 4: "I/O or system failure"}

    def __init__(self, returncode, stderr, command):
        self.returncode = returncode
        self.stderr = stderr
        self.command = list(command)
        meaning = self.MEANINGS.get(returncode, "unexpected exit code")
        lines = [line for line in stderr.splitlines() if line.strip()]
        first = lines[0] if lines else "(no message)"
        super().__init__("rflesion exited with code %d (%s): %s" % (returncode, meaning, first))
