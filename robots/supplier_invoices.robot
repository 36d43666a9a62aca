*** Settings ***
Documentation       Supplier invoices from the accounts-payable mailbox and the
...                 Acme supplier portal. Each invoice is read into a record,
...                 checked by the built-in rules and this project's own rules
...                 (keywords/invoice_rules.py), and posted to the ERP exactly
...                 once; anything a person must decide waits in the review
...                 queue with its reason.
Library             clerk.keywords.ClerkLibrary


*** Variables ***
${MAILBOX}          demo-mailbox
${PORTAL}           acme-portal


*** Tasks ***
Collect invoices from the mailbox
    Collect Invoices From Mailbox    ${MAILBOX}

Collect invoices from the supplier portal
    Collect Documents From Portal    ${PORTAL}

Post clean invoices and send the rest to review
    For Each Work Item    Handle One Invoice

Summarise the run
    Log Run Summary


*** Keywords ***
Handle One Invoice
    [Documentation]    Read, check and post one invoice; a problem sends it to review.
    [Arguments]    ${item}
    Extract Record    ${item}
    Validate Record    ${item}
    Post To ERP    ${item}
