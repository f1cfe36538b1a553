"""The licensed overseas-employment-promoter list: records, import and matching."""
