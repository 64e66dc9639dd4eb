"""Textual's Linux terminal driver, with two changes for a command-line tool:

- the screen goes to standard output (the stream step mode checked is a terminal;
  Textual's default is standard error);
- keys typed after the quitting key stay for the shell (`q` then `ls` Enter runs ls):
  once the app is quitting the driver reads nothing more, and it does not flush the
  terminal's input on the way out.
"""

from __future__ import annotations

import os
import selectors
import signal
import sys
import termios
from codecs import getincrementaldecoder

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class StepDriver(LinuxDriver):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._file = sys.__stdout__
        self.quitting = False
        #: keys that end the app in its present state (the app keeps this up to date)
        self.quit_keys: frozenset[str] = frozenset({"ctrl+c"})

    def process_message(self, message) -> None:
        """A quitting key stops the reading here, in the input thread, with no wait for the
        app to handle it (the keys typed after it belong to the shell)."""
        if isinstance(message, events.Key) and message.key in self.quit_keys:
            self.quitting = True
        super().process_message(message)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events, until the app quits (then leave the rest unread)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                ready = selector.select(0.1)
                if self.quitting:
                    break
                for _key, mask in ready:
                    if mask & selectors.EVENT_READ:
                        data = decode(os.read(self.fileno, 1024 * 4))
                        for event in parser.feed(data):
                            self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()

    def disable_input(self) -> None:
        """As Textual's, without flushing what was typed ahead."""
        if self.exit_event.is_set():
            return
        try:
            signal.signal(signal.SIGWINCH, signal.SIG_DFL)
            self._disable_mouse_support()
        except (OSError, ValueError, termios.error):  # the terminal may be gone (SIGHUP)
            pass
        self.exit_event.set()
        if self._key_thread is not None:
            self._key_thread.join()
        self.exit_event.clear()
