*** Settings ***
Documentation     Suppliers' price lists (XLSX) from the drop folder, read with rpaframework.
...               clerk collects each file into this bot's queue; RPA.Robocorp.WorkItems
...               hands every one to the robot as a Robocorp work item (clerk's adapter, set
...               by `clerk run`), and RPA.Excel.Files reads its rows. A list with a missing
...               or non-positive price goes to purchasing for review (a BUSINESS failure);
...               a readable one is done, its article count kept on the work item.
Library           clerk.keywords.ClerkLibrary
Library           RPA.Robocorp.WorkItems    autoload=${False}
Library           RPA.Excel.Files

*** Tasks ***
Collect price lists
    Collect Documents

Check price lists
    For Each Input Work Item    Check Price List

*** Keywords ***
Check Price List
    ${files}=    List Work Item Files
    ${path}=    Get Work Item File    ${files}[0]    ${OUTPUT_DIR}${/}${files}[0]
    Open Workbook    ${path}
    ${rows}=    Read Worksheet As Table    header=${True}
    Close Workbook
    FOR    ${row}    IN    @{rows}
        ${price}=    Set Variable    ${row}[Price]
        IF    $price is None or float($price) <= 0
            Release Input Work Item    FAILED    exception_type=BUSINESS    code=bad_price
            ...    message=article ${row}[Article] has no usable price (${price})
            RETURN
        END
    END
    ${articles}=    Get Length    ${rows}
    Set Work Item Variable    articles    ${articles}
    Save Work Item
    Log    ${files}[0]: ${articles} article(s) priced
    Release Input Work Item    DONE
