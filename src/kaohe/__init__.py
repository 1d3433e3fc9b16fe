"""kaohe (考核): performance assessment of leadership teams, cadres and units."""

__version__ = "0.1.0"
