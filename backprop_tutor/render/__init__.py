"""Drawing with rich. Renderables store what to draw and draw it; nothing here computes."""
