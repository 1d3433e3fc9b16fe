"""Plans (考核方案): categories, sections, indicators, grades, vetoes, assessees, data."""
