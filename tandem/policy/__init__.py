"""Who may see what, and who may be paired with whom.

The policies sit above the domain models and below the services and views that use them:
``access`` fetches objects that carry people's data for the person asking, and
``eligibility`` answers whether two people may be paired, and how many places are left.
"""
