"""clerk.audit"""
