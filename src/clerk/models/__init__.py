"""clerk.models"""
