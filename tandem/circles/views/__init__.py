"""A circle's pages, one module per part of its life: thin views over access and services."""
