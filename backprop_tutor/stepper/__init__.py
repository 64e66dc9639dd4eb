"""Step mode: one operation per screen, moved through with the keyboard.

keys.py turns bytes into key names and key names into moves (pure, tested
without a terminal); terminal.py owns the raw terminal and restores it; loop.py
joins them to the frames the renderer draws.
"""
