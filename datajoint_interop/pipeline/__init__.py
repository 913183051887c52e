"""What users declare: schemas, table tiers, diagrams, MATLAB packages."""
