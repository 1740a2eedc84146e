from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "pilote.contacts"
    label = "contacts"
    verbose_name = "Contacts"

    def ready(self) -> None:
        from pilote.contacts.personal_data import SOURCE as personal_data
        from pilote.core.personal_data import register_personal_data
        from pilote.core.registry import lazy

        register_personal_data(personal_data)
        from pilote.contacts import pickers
        from pilote.core.pickers import register_picker
        from pilote.core.registry import MenuItem, SearchProvider, register_demo, register_menu, register_search

        register_menu(
            "Clients et ventes",
            10,
            MenuItem("Contacts", "contacts:list", "contacts.view"),
        )
        register_search(SearchProvider("Contacts", "contacts.view", lazy("pilote.contacts.search.search_contacts")))
        register_demo(10, "contacts et échanges", lazy("pilote.contacts.demo.load"))
        register_picker(pickers.CONTACTS)
