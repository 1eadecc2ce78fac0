"""paperhaul: a self-hosted research-paper radar and digest studio for machine learning."""

__version__ = "0.1.0"
