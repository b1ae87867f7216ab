Attribute VB_Name = "Klarbrev"
' klarbrev.bas -- Word-makroer til klarbrev (importeres i Normal.dotm eller i kommunens skabelon).
'
'   KlarbrevTjek     tjekker det åbne brev: gemmer en kopi, kører "klarbrev check --annotate", åbner kopien med
'                    fundene som kommentarer og viser antal fejl og advarsler og LIX.
'   KlarbrevNytBrev  laver et nyt brev: en skabelon og en sag (en .json-fil, eller felterne i dokumentets egne
'                    egenskaber), kører "klarbrev fill" og åbner brevet, eller udkastet med kommentarer og de fejl,
'                    der forhindrer brevet.
'
' Installation og brug: docs/word.md. Alt, IT skal indstille, står i afsnittet "Indstillinger" lige herunder.
' Kommandolinjerne står i linjer mærket KLARBREV-KOMMANDO; tests/cli/test_macro_commands.sh kører netop dem, så
' makroen og klarbrev ikke kan komme ud af trit. Ret dem kun sammen med testen.
' Filen er gemt i Windows-1252 med CRLF-linjeskift, som VBA-editoren importerer (se .gitattributes).
Option Explicit

' ==== Indstillinger (ret kun her) ===================================================================================
' Programmet klarbrev (på Windows klarbrev.exe).
Private Const KLARBREV_PROGRAM As String = "C:\Program Files\klarbrev\bin\klarbrev.exe"
' Kommunens opsætningsfil (plugins, ordlister, niveauer; se docs/plugins.md). Tom: ingen.
Private Const KLARBREV_OPSAETNING As String = ""
' Mappen, som dialogen for skabeloner åbner i.
Private Const KLARBREV_SKABELONER As String = "C:\Program Files\klarbrev\share\klarbrev\templates"
' Hvor nye breve gemmes. Tom: mappen Klarbrev under Dokumenter.
Private Const KLARBREV_UDMAPPE As String = ""
' Så længe må klarbrev arbejde (sekunder), før makroen giver op.
Private Const KLARBREV_TIDSGRAENSE As Long = 300

' ==== Kommandolinjerne (tests/cli/test_macro_commands.sh kører dem) =================================================
' {BREV}, {KOMMENTERET}, {SKABELON}, {SAG}, {UDKAST} og {OPSAETNING} bliver til stier. Programmet sættes foran.
Private Const CMD_TJEK As String = "check ""{BREV}"" --annotate ""{KOMMENTERET}"" --format json" ' KLARBREV-KOMMANDO
Private Const CMD_NYT_BREV As String = "fill ""{SKABELON}"" ""{SAG}"" -o ""{BREV}"" --draft ""{UDKAST}""" ' KLARBREV-KOMMANDO
Private Const CMD_OPSAETNING As String = " --config ""{OPSAETNING}""" ' KLARBREV-KOMMANDO

' Navnet på den egenskab, der peger på skabelonen, og forstavelsen på egenskaber, der er sagens felter.
Private Const EGENSKAB_SKABELON As String = "klarbrev.skabelon"
Private Const EGENSKAB_FELT As String = "felt."

Private Const TITEL As String = "klarbrev"

#If VBA7 Then
Private Declare PtrSafe Sub Sleep Lib "kernel32" (ByVal ms As Long)
#Else
Private Declare Sub Sleep Lib "kernel32" (ByVal ms As Long)
#End If

' ---- KlarbrevTjek ---------------------------------------------------------------------------------------------------

' Tjekker det aktive dokument og åbner en kopi med fundene som kommentarer.
Public Sub KlarbrevTjek()
    If Documents.Count = 0 Then
        MsgBox "Åbn det brev, der skal tjekkes, først.", vbExclamation, TITEL
        Exit Sub
    End If
    Dim d As Document
    Set d = ActiveDocument
    If Not GemOmNoedvendigt(d) Then Exit Sub

    Dim ext As String
    ext = LCase$(Mid$(d.Name, InStrRev(d.Name, ".")))
    If ext <> ".docx" And ext <> ".docm" Then
        MsgBox "klarbrev kan kun tjekke Word-dokumenter (.docx). Gem brevet som .docx (Filer > Gem som) og prøv igen.", _
               vbExclamation, TITEL
        Exit Sub
    End If

    Dim mappe As String, stempel As String, grundnavn As String
    mappe = ArbejdsMappe()
    If mappe = "" Then Exit Sub
    stempel = Format$(Now, "yyyymmdd-hhnnss")
    grundnavn = Left$(d.Name, InStrRev(d.Name, ".") - 1)
    Dim kopi As String, kommenteret As String
    kopi = mappe & "\" & grundnavn & "-" & stempel & ext
    kommenteret = mappe & "\" & grundnavn & "-kommentarer-" & stempel & ext
    If Not KopierDokument(d, kopi) Then Exit Sub

    Dim args As String
    args = Replace(Replace(CMD_TJEK, "{BREV}", kopi), "{KOMMENTERET}", kommenteret)

    Dim rapport As String, fejltekst As String, kode As Long
    kode = KoerKlarbrev(args, rapport, fejltekst)
    If kode <> 0 And kode <> 1 Then
        VisFejl "klarbrev kunne ikke tjekke brevet.", kode, fejltekst
        Exit Sub
    End If
    If Dir$(kommenteret) = "" Then
        VisFejl "klarbrev lavede ikke kopien med kommentarer.", kode, fejltekst
        Exit Sub
    End If

    Dim fejl As Double, advarsler As Double, lix As Double
    fejl = JsonTal(rapport, "summary", "errors")
    advarsler = JsonTal(rapport, "summary", "warnings")
    lix = JsonTal(rapport, "metrics", "lix")
    If fejl < 0 Or advarsler < 0 Or lix < 0 Then
        VisFejl "klarbrevs rapport kunne ikke læses.", kode, fejltekst & vbCrLf & Left$(rapport, 500)
        Exit Sub
    End If

    Documents.Open FileName:=kommenteret, AddToRecentFiles:=False
    Dim besked As String
    besked = "klarbrev har tjekket brevet:" & vbCrLf & vbCrLf & _
             "  Fejl: " & fejl & vbCrLf & _
             "  Advarsler: " & advarsler & vbCrLf & _
             "  LIX: " & Format$(lix, "0.0") & vbCrLf & vbCrLf
    If fejl + advarsler = 0 Then
        besked = besked & "klarbrev fandt ikke noget at rette."
    Else
        besked = besked & "Hvert fund står som en kommentar i kopien, der er åbnet nu. Ret i dit eget brev (" & _
                 d.Name & ")."
    End If
    If fejl > 0 Then besked = besked & vbCrLf & "Brevet kan ikke sendes, før fejlene er rettet."
    MsgBox besked, IIf(fejl > 0, vbExclamation, vbInformation), TITEL
End Sub

' ---- KlarbrevNytBrev ------------------------------------------------------------------------------------------------

' Laver et nyt brev fra en skabelon og en sag og åbner det (eller udkastet med kommentarer, når der er fejl).
Public Sub KlarbrevNytBrev()
    Dim mappe As String, stempel As String
    mappe = ArbejdsMappe()
    If mappe = "" Then Exit Sub
    stempel = Format$(Now, "yyyymmdd-hhnnss")

    Dim skabelon As String, sag As String
    If Documents.Count > 0 Then
        ' felterne i dokumentets egne egenskaber (Filer > Oplysninger > Egenskaber > Avancerede egenskaber > Brugerdefineret)
        If Not SagFraEgenskaber(ActiveDocument, mappe & "\sag-" & stempel & ".json", skabelon, sag) Then Exit Sub
    End If
    If skabelon = "" Then skabelon = VaelgMappe("Vælg skabelonen (en mappe med letter.docx og manifest.json)")
    If skabelon = "" Then Exit Sub
    If sag = "" Then sag = VaelgFil("Vælg sagen (en .json-fil fra fagsystemet)", "Sager", "*.json")
    If sag = "" Then Exit Sub

    Dim ud As String
    ud = UdMappe()
    If ud = "" Then Exit Sub
    Dim brev As String, udkast As String
    brev = ud & "\brev-" & stempel & ".docx"
    udkast = ud & "\udkast-" & stempel & ".docx"

    Dim args As String
    args = Replace(Replace(Replace(Replace(CMD_NYT_BREV, "{SKABELON}", skabelon), "{SAG}", sag), _
                   "{BREV}", brev), "{UDKAST}", udkast)
    Dim rapport As String, fejltekst As String, kode As Long
    kode = KoerKlarbrev(args, rapport, fejltekst)
    Select Case kode
    Case 0
        Documents.Open FileName:=brev
        MsgBox "Brevet er lavet og gemt i" & vbCrLf & brev & vbCrLf & vbCrLf & SidsteLinje(rapport) & vbCrLf & _
               "Brug KlarbrevTjek, når du har skrevet i det.", vbInformation, TITEL
    Case 1
        If Dir$(udkast) <> "" Then Documents.Open FileName:=udkast, AddToRecentFiles:=False
        MsgBox "Brevet er ikke gemt, fordi klarbrev fandt fejl, der skal rettes først:" & vbCrLf & vbCrLf & _
               Linjer(rapport, "FEJL", 12) & vbCrLf & _
               IIf(Dir$(udkast) <> "", "Udkastet med fundene som kommentarer er åbnet.", "") & vbCrLf & _
               SidsteLinje(rapport), vbExclamation, TITEL
    Case Else
        VisFejl "klarbrev kunne ikke lave brevet.", kode, fejltekst
    End Select
End Sub

' ---- at køre klarbrev -----------------------------------------------------------------------------------------------

' Kører klarbrev med args (og opsætningsfilen, når der er en) og venter, til det er færdigt. Standard-output og
' standard-fejl sendes af cmd.exe til filer, som læses som UTF-8 bagefter: det, klarbrev skriver, er UTF-8 (æ, ø, å),
' og Exec' egne StdOut/StdErr ville læse det i konsollens tegnsæt og kan gå i stå, når den ene strøm er fuld, mens
' makroen læser den anden.
' Returnerer klarbrevs afslutningskode (0 ingen fejl, 1 fejl i brevet, 2 forkert brug eller input), eller -1, når
' klarbrev ikke kunne startes eller ikke blev færdigt.
Private Function KoerKlarbrev(ByVal args As String, ByRef stdout As String, ByRef stderr As String) As Long
    stdout = ""
    stderr = ""
    If Dir$(KLARBREV_PROGRAM) = "" Then
        stderr = "Programmet findes ikke: " & KLARBREV_PROGRAM & vbCrLf & _
                 "Bed IT om at installere klarbrev eller rette KLARBREV_PROGRAM øverst i makroen."
        KoerKlarbrev = -1
        Exit Function
    End If
    If KLARBREV_OPSAETNING <> "" Then args = args & Replace(CMD_OPSAETNING, "{OPSAETNING}", KLARBREV_OPSAETNING)

    Dim mappe As String, stempel As String, udfil As String, fejlfil As String
    Randomize
    mappe = ArbejdsMappe()
    stempel = Format$(Now, "yyyymmdd-hhnnss") & "-" & CStr(Int(Rnd() * 100000))
    udfil = mappe & "\ud-" & stempel & ".txt"
    fejlfil = mappe & "\fejl-" & stempel & ".txt"

    ' cmd /s /c "..." fjerner kun det yderste par anførselstegn og slutter med klarbrevs afslutningskode
    Dim kommando As String
    kommando = "cmd.exe /s /c """"" & KLARBREV_PROGRAM & """ " & args & _
               " >""" & udfil & """ 2>""" & fejlfil & """"""
    Dim sh As Object, ex As Object
    Set sh = CreateObject("WScript.Shell")
    On Error Resume Next
    Set ex = sh.Exec(kommando)
    If Err.Number <> 0 Then
        stderr = "klarbrev kunne ikke startes: " & Err.Description
        On Error GoTo 0
        KoerKlarbrev = -1
        Exit Function
    End If
    On Error GoTo 0
    Dim start As Single, gaaet As Single
    start = Timer
    Do While ex.Status = 0
        DoEvents
        Sleep 100
        gaaet = Timer - start
        If gaaet < 0 Then gaaet = gaaet + 86400 ' Timer starter forfra ved midnat
        If gaaet > KLARBREV_TIDSGRAENSE Then
            ex.Terminate
            stderr = "klarbrev blev ikke færdigt inden for " & KLARBREV_TIDSGRAENSE & " sekunder og er stoppet."
            KoerKlarbrev = -1
            Exit Function
        End If
    Loop
    stdout = LaesUtf8(udfil)
    stderr = LaesUtf8(fejlfil)
    KoerKlarbrev = ex.ExitCode
    SletFil udfil
    SletFil fejlfil
End Function

' Viser en fejl fra klarbrev med alt, hvad klarbrev skrev på standard-fejl. Intet bliver skjult.
Private Sub VisFejl(ByVal hvad As String, ByVal kode As Long, ByVal fejltekst As String)
    Dim forklaring As String
    Select Case kode
    Case 2: forklaring = "klarbrev kunne ikke bruge det, det fik (afslutningskode 2):"
    Case -1: forklaring = "klarbrev kunne ikke køres:"
    Case Else: forklaring = "klarbrev sluttede med afslutningskode " & kode & ":"
    End Select
    If Trim$(fejltekst) = "" Then fejltekst = "(klarbrev skrev ingen forklaring)"
    MsgBox hvad & vbCrLf & vbCrLf & forklaring & vbCrLf & Left$(fejltekst, 1500), vbCritical, TITEL
End Sub

' ---- sagen fra dokumentets egenskaber -------------------------------------------------------------------------------

' Bygger sagen af dokumentets brugerdefinerede egenskaber: "klarbrev.skabelon" er skabelonens mappe, og hver egenskab
' "felt.<sti>" er et felt ("felt.modtager.navn" bliver {"modtager": {"navn": ...}}). Skriver sagen som UTF-8 i fil.
' Har dokumentet ingen felter, lades skabelon og sag tomme (så spørger makroen). Returnerer False ved en fejl.
Private Function SagFraEgenskaber(ByVal d As Document, ByVal fil As String, ByRef skabelon As String, _
                                  ByRef sag As String) As Boolean
    Dim rod As Object, p As Object, n As Long
    Set rod = CreateObject("Scripting.Dictionary")
    On Error GoTo Fejl
    For Each p In d.CustomDocumentProperties
        If LCase$(p.Name) = EGENSKAB_SKABELON Then
            skabelon = CStr(p.Value)
        ElseIf LCase$(Left$(p.Name, Len(EGENSKAB_FELT))) = EGENSKAB_FELT Then
            If Not SaetFelt(rod, Mid$(p.Name, Len(EGENSKAB_FELT) + 1), JsonVaerdi(p)) Then
                MsgBox "Egenskaben """ & p.Name & """ passer ikke med de andre felter (et felt kan ikke både " & _
                       "have en værdi og underfelter). Ret dokumentets egenskaber.", vbExclamation, TITEL
                Exit Function
            End If
            n = n + 1
        End If
    Next p
    On Error GoTo 0
    If n > 0 Then
        SkrivUtf8 fil, JsonObjekt(rod) & vbLf
        sag = fil
    End If
    SagFraEgenskaber = True
    Exit Function
Fejl:
    MsgBox "Dokumentets egenskaber kunne ikke læses: " & Err.Description, vbExclamation, TITEL
End Function

' Sætter stien (med punktummer) til en JSON-værdi i træet af Scripting.Dictionary. False ved en konflikt.
Private Function SaetFelt(ByVal rod As Object, ByVal sti As String, ByVal vaerdi As String) As Boolean
    Dim dele() As String, i As Long, node As Object
    dele = Split(sti, ".")
    Set node = rod
    For i = 0 To UBound(dele) - 1
        If Not node.Exists(dele(i)) Then node.Add dele(i), CreateObject("Scripting.Dictionary")
        If Not IsObject(node(dele(i))) Then Exit Function
        Set node = node(dele(i))
    Next i
    If node.Exists(dele(UBound(dele))) Then Exit Function
    node.Add dele(UBound(dele)), vaerdi
    SaetFelt = True
End Function

' En egenskabs værdi som JSON: tal som tal, ja/nej som true/false, datoer som "ÅÅÅÅ-MM-DD", resten som tekst.
Private Function JsonVaerdi(ByVal p As Object) As String
    Select Case p.Type
    Case 1, 5 ' msoPropertyTypeNumber, msoPropertyTypeFloat
        JsonVaerdi = Replace(CStr(p.Value), ",", ".")
    Case 2 ' msoPropertyTypeBoolean
        JsonVaerdi = IIf(p.Value, "true", "false")
    Case 3 ' msoPropertyTypeDate
        JsonVaerdi = """" & Format$(p.Value, "yyyy-mm-dd") & """"
    Case Else
        JsonVaerdi = JsonTekst(CStr(p.Value))
    End Select
End Function

Private Function JsonObjekt(ByVal node As Object) As String
    Dim k As Variant, s As String
    For Each k In node.Keys
        If s <> "" Then s = s & ", "
        If IsObject(node(k)) Then
            s = s & JsonTekst(CStr(k)) & ": " & JsonObjekt(node(k))
        Else
            s = s & JsonTekst(CStr(k)) & ": " & node(k)
        End If
    Next k
    JsonObjekt = "{" & s & "}"
End Function

' s som en JSON-streng: anførselstegn, skråstreg og styretegn escapes; et linjeskift i feltet bliver \n.
Private Function JsonTekst(ByVal s As String) As String
    Dim i As Long, c As String, code As Long, r As String
    s = Replace(s, vbCrLf, vbLf)
    For i = 1 To Len(s)
        c = Mid$(s, i, 1)
        code = AscW(c)
        If c = """" Then
            r = r & "\"""
        ElseIf c = "\" Then
            r = r & "\\"
        ElseIf code = 10 Or code = 13 Or code = 11 Then
            r = r & "\n"
        ElseIf code = 9 Then
            r = r & "\t"
        ElseIf code >= 0 And code < 32 Then
            r = r & "\u" & Right$("000" & Hex$(code), 4)
        Else
            r = r & c
        End If
    Next i
    JsonTekst = """" & r & """"
End Function

' ---- JSON-rapporten (docs/report.md) --------------------------------------------------------------------------------

' Tallet i rapportens objekt afsnit ("summary", "metrics") under nøglen; -1, når det ikke findes.
Private Function JsonTal(ByVal json As String, ByVal afsnit As String, ByVal noegle As String) As Double
    Dim i As Long, j As Long, t As String
    JsonTal = -1
    i = InStr(1, json, """" & afsnit & """:")
    If i = 0 Then Exit Function
    i = InStr(i, json, """" & noegle & """:")
    If i = 0 Then Exit Function
    i = i + Len(noegle) + 3
    Do While Mid$(json, i, 1) = " " Or Mid$(json, i, 1) = vbLf Or Mid$(json, i, 1) = vbCr
        i = i + 1
    Loop
    j = i
    Do While InStr("0123456789.-+eE", Mid$(json, j, 1)) > 0 And j <= Len(json)
        j = j + 1
    Loop
    t = Mid$(json, i, j - i)
    If t <> "" Then JsonTal = Val(t) ' Val læser altid punktum som decimaltegn, som JSON skriver det
End Function

' ---- små hjælpere ---------------------------------------------------------------------------------------------------

' Gemmer dokumentet, hvis det har ændringer eller aldrig er gemt (efter at have spurgt). False, når det ikke blev gemt.
Private Function GemOmNoedvendigt(ByVal d As Document) As Boolean
    If d.Path <> "" And d.Saved Then
        GemOmNoedvendigt = True
        Exit Function
    End If
    If MsgBox("Brevet skal gemmes, før klarbrev kan tjekke det. Gem nu?", vbQuestion + vbOKCancel, TITEL) <> vbOK Then _
        Exit Function
    On Error GoTo Fejl
    If d.Path = "" Then
        If Not Dialogs(wdDialogFileSaveAs).Show = -1 Then Exit Function
    Else
        d.Save
    End If
    GemOmNoedvendigt = d.Path <> ""
    Exit Function
Fejl:
    MsgBox "Brevet kunne ikke gemmes: " & Err.Description, vbExclamation, TITEL
End Function

' Kopierer dokumentets fil (som den er gemt) til kopi. Word holder filen åben, så kopien laves med Windows' egen
' kopiering, og lykkes den ikke, gemmer Word en kopi.
Private Function KopierDokument(ByVal d As Document, ByVal kopi As String) As Boolean
    On Error Resume Next
    CreateObject("Scripting.FileSystemObject").CopyFile d.FullName, kopi, True
    If Err.Number = 0 And Dir$(kopi) <> "" Then
        KopierDokument = True
        Exit Function
    End If
    Err.Clear
    Dim ny As Document
    Set ny = Documents.Add(Template:=d.FullName, Visible:=False)
    ny.SaveAs2 FileName:=kopi, FileFormat:=wdFormatXMLDocument, AddToRecentFiles:=False
    ny.Close SaveChanges:=False
    If Err.Number <> 0 Or Dir$(kopi) = "" Then
        MsgBox "Der kunne ikke laves en kopi af brevet i " & kopi & ": " & Err.Description, vbExclamation, TITEL
        Exit Function
    End If
    KopierDokument = True
End Function

' %TEMP%\klarbrev (laves, når den mangler); "" efter en besked, når det ikke kan lade sig gøre.
Private Function ArbejdsMappe() As String
    ArbejdsMappe = SikkerMappe(Environ$("TEMP") & "\klarbrev")
End Function

Private Function UdMappe() As String
    Dim m As String
    m = KLARBREV_UDMAPPE
    If m = "" Then m = CreateObject("WScript.Shell").SpecialFolders("MyDocuments") & "\Klarbrev"
    UdMappe = SikkerMappe(m)
End Function

Private Function SikkerMappe(ByVal m As String) As String
    On Error Resume Next
    If Dir$(m, vbDirectory) = "" Then MkDir m
    If Dir$(m, vbDirectory) = "" Then
        MsgBox "Mappen " & m & " findes ikke og kan ikke laves.", vbExclamation, TITEL
        Exit Function
    End If
    SikkerMappe = m
End Function

Private Function VaelgMappe(ByVal titeltekst As String) As String
    With Application.FileDialog(4) ' msoFileDialogFolderPicker
        .Title = titeltekst
        .InitialFileName = KLARBREV_SKABELONER & "\"
        If .Show = -1 Then VaelgMappe = .SelectedItems(1)
    End With
End Function

Private Function VaelgFil(ByVal titeltekst As String, ByVal filternavn As String, ByVal moenster As String) As String
    With Application.FileDialog(3) ' msoFileDialogFilePicker
        .Title = titeltekst
        .AllowMultiSelect = False
        .Filters.Clear
        .Filters.Add filternavn, moenster
        If .Show = -1 Then VaelgFil = .SelectedItems(1)
    End With
End Function

Private Function LaesUtf8(ByVal fil As String) As String
    If Dir$(fil) = "" Then Exit Function
    If FileLen(fil) = 0 Then Exit Function
    Dim s As Object
    Set s = CreateObject("ADODB.Stream")
    s.Type = 2 ' adTypeText
    s.Charset = "utf-8"
    s.Open
    s.LoadFromFile fil
    LaesUtf8 = s.ReadText
    s.Close
End Function

' Skriver tekst som UTF-8 uden byte order mark (klarbrev læser JSON uden).
Private Sub SkrivUtf8(ByVal fil As String, ByVal tekst As String)
    Dim s As Object, b As Object
    Set s = CreateObject("ADODB.Stream")
    s.Type = 2
    s.Charset = "utf-8"
    s.Open
    s.WriteText tekst
    s.Position = 3 ' efter de tre bytes, ADODB skriver først
    Set b = CreateObject("ADODB.Stream")
    b.Type = 1 ' adTypeBinary
    b.Open
    s.CopyTo b
    b.SaveToFile fil, 2 ' adSaveCreateOverWrite
    b.Close
    s.Close
End Sub

Private Sub SletFil(ByVal fil As String)
    On Error Resume Next
    If Dir$(fil) <> "" Then Kill fil
End Sub

' Rapportens sidste linje ("LIX 23.4 · 430 ord · 55 sætninger · 0 fejl · 2 advarsler").
Private Function SidsteLinje(ByVal rapport As String) As String
    Dim linjer() As String, i As Long
    linjer = Split(Replace(rapport, vbCr, ""), vbLf)
    For i = UBound(linjer) To 0 Step -1
        If Trim$(linjer(i)) <> "" Then
            SidsteLinje = linjer(i)
            Exit Function
        End If
    Next i
End Function

' De første hoejst linjer i rapporten, der begynder med start ("FEJL"), hver på sin egen linje.
Private Function Linjer(ByVal rapport As String, ByVal start As String, ByVal hoejst As Long) As String
    Dim alle() As String, i As Long, n As Long, r As String
    alle = Split(Replace(rapport, vbCr, ""), vbLf)
    For i = 0 To UBound(alle)
        If Left$(alle(i), Len(start)) = start Then
            n = n + 1
            If n <= hoejst Then r = r & "- " & Mid$(alle(i), Len(start) + 2) & vbCrLf
        End If
    Next i
    If n > hoejst Then r = r & "(og " & (n - hoejst) & " fejl mere; se udkastet)" & vbCrLf
    If n = 0 Then r = "(se udkastet)" & vbCrLf
    Linjer = r
End Function
