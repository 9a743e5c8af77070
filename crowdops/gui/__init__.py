"""The desktop face (PySide6). Only this package may import Qt."""
