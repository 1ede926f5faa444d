"""Debian programs the tests drive (chromium, nginx): found, or installed with apt-get where the tests may."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def debian_tool(find, package: str, why: str) -> str:
    """A Debian program the tests drive (``find()`` locates it); installed with apt-get where we may (root),
    else the test skips with the reason."""
    path = find()
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, capture_output=True, timeout=900)
        path = find()
    if path is None:
        pytest.skip(f"{why} is not installed and could not be installed (needs root and apt-get): "
                    f"apt-get install {package}")
    return path
