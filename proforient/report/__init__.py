"""The shared reports: school, district and graduates, each as analysis → findings → page."""
