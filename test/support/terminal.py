# Runs a command with its stdin on a real pseudo-terminal (stdout and stderr stay pipes), as a
# person at a terminal would: waits, types a line, presses Ctrl-D, and prints what the command did
# as one JSON object. Usage: terminal.py '<argv as JSON>' '<line to type, or empty>' <seconds to wait>
import json
import os
import pty
import subprocess
import sys
import time

argv, typed, wait = json.loads(sys.argv[1]), sys.argv[2], float(sys.argv[3])
master, slave = pty.openpty()
child = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(slave)
time.sleep(wait)
if typed:
    os.write(master, typed.encode() + b"\n")
os.write(master, b"\x04")  # Ctrl-D at the start of a line: end of input
out, err = child.communicate(timeout=120)
print(json.dumps({"code": child.returncode, "stdout": out.decode(), "stderr": err.decode()}))
