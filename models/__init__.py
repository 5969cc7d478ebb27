"""The models hygiene runs with, shipped inside the package as ``hygiene.models``.

This folder is the top-level ``models/`` of the repository; the build maps it onto
the ``hygiene.models`` package so that wheels, sdists and pre-commit environments
carry every file. Each file is rebuilt by the script named in the README's
Models table. Nothing here is imported as code: ``hygiene.assets`` finds the files.
"""
