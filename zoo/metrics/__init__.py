"""Metrics: image quality (FID/KID/IS through torchmetrics), toy-mixture mode statistics, and more."""
