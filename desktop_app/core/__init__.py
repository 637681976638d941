"""The Qt-free core: models, database, migrations, services, rules."""
