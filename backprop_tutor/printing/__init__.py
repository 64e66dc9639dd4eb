"""Printing an explanation: sympy's printers customised for the tutor (2D text fitted to a
width, one-line text, LaTeX, index notation for prose), and the explanation as text
sections, a LaTeX document and JSON-ready data. Nothing here draws on a terminal."""
