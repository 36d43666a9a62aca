*** Settings ***
Documentation       Order confirmations (CSV or XLSX) from the drop folder and,
...                 if one is named, a mailbox. They are read and checked, then
...                 wait for purchasing to match them to purchase orders.
Library             clerk.keywords.ClerkLibrary


*** Variables ***
${DROP_FOLDER}      scanner-drop
${MAILBOX}          ${EMPTY}


*** Tasks ***
Collect order confirmations from the drop folder
    Collect Documents From Folder    ${DROP_FOLDER}

Collect order confirmations from the mailbox
    Skip If    not $MAILBOX    No mailbox is configured for order confirmations.
    Collect Documents From Mailbox    ${MAILBOX}

Read and check order confirmations
    Process Work Items

Summarise the run
    Log Run Summary
