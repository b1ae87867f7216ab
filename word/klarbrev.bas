Attribute VB_Name = "Klarbrev"
' klarbrev.bas -- Word-makroer til klarbrev (importeres i Normal.dotm eller i kommunens skabelon).
'
'   KlarbrevTjek     tjekker det åbne brev: gemmer en kopi, lader klarbrev tjekke den, åbner kopien med fundene som
'                    kommentarer og viser antal fejl og advarsler og LIX.
'   KlarbrevNytBrev  laver et nyt brev: en skabelon og en sag (en .json-fil, eller felterne i dokumentets egne
'                    egenskaber), lader klarbrev udfylde og tjekke det og åbner brevet, eller udkastet med kommentarer
'                    og de fejl, der forhindrer brevet.
'
' Makroen bruger klarbrev på en af to måder (indstillingen KLARBREV_TJENESTE):
'   - kommunens klarbrev-tjeneste (klarbrev serve) over HTTP(S); på pc'en skal der kun være makroen;
'   - programmet klarbrev på pc'en ("klarbrev check --annotate", "klarbrev fill"), når KLARBREV_TJENESTE er tom.
'
' Installation og brug: docs/word.md. Alt, IT skal indstille, står i afsnittet "Indstillinger" lige herunder.
' Kommandolinjerne står i linjer mærket KLARBREV-KOMMANDO; tests/cli/test_macro_commands.sh kører netop dem, så
' makroen og klarbrev ikke kan komme ud af trit. Forespørgslerne til tjenesten står hver i en linje mærket
' KLARBREV-HTTP lige over koden, der sender den; tests/cli/test_macro_http.sh sender netop dem til klarbrev serve og
' tjekker hver JSON-nøgle, makroen læser i svarene (de læses kun med HentTekst, HentTal, HentListe og HentSandt).
' Ret dem kun sammen med testene.
' Filen er gemt i Windows-1252 med CRLF-linjeskift, som VBA-editoren importerer (se .gitattributes).
Option Explicit

' ==== Indstillinger (ret kun her) ===================================================================================
' -- Med kommunens klarbrev-tjeneste (klarbrev serve, se docs/drift.md) --
' Tjenestens adresse, fx "https://klarbrev.kommune.dk". Tom: makroen kører programmet klarbrev på pc'en (herunder).
Private Const KLARBREV_TJENESTE As String = ""
' Afdelingens adgangsnøgle til tjenesten (fra dem, der driver den). Tjenesten kender afdelingen på nøglen.
Private Const KLARBREV_NOEGLE As String = ""

' -- Med programmet klarbrev på pc'en (bruges kun, når KLARBREV_TJENESTE er tom) --
' Programmet klarbrev (på Windows klarbrev.exe).
Private Const KLARBREV_PROGRAM As String = "C:\Program Files\klarbrev\bin\klarbrev.exe"
' Kommunens opsætningsfil (plugins, ordlister, niveauer; se docs/plugins.md). Tom: ingen.
Private Const KLARBREV_OPSAETNING As String = ""
' Mappen, som dialogen for skabeloner åbner i.
Private Const KLARBREV_SKABELONER As String = "C:\Program Files\klarbrev\share\klarbrev\templates"

' -- Begge måder --
' Hvor nye breve gemmes. Tom: mappen Klarbrev under Dokumenter.
Private Const KLARBREV_UDMAPPE As String = ""
' Så længe må klarbrev arbejde (sekunder), før makroen giver op; med tjenesten: så længe må et svar højst tage.
Private Const KLARBREV_TIDSGRAENSE As Long = 300

' ==== Kommandolinjerne (tests/cli/test_macro_commands.sh kører dem) =================================================
' {BREV}, {KOMMENTERET}, {SKABELON}, {SAG}, {UDKAST} og {OPSAETNING} bliver til stier. Programmet sættes foran.
Private Const CMD_TJEK As String = "check ""{BREV}"" --annotate ""{KOMMENTERET}"" --format json" ' KLARBREV-KOMMANDO
Private Const CMD_NYT_BREV As String = "fill ""{SKABELON}"" ""{SAG}"" -o ""{BREV}"" --draft ""{UDKAST}""" ' KLARBREV-KOMMANDO
Private Const CMD_OPSAETNING As String = " --config ""{OPSAETNING}""" ' KLARBREV-KOMMANDO

' ==== Forespørgslerne til tjenesten (tests/cli/test_macro_http.sh sender dem) =======================================
' Hver står i en linje mærket KLARBREV-HTTP lige over den linje, der sender den (med funktionen Tjeneste). Alle har
' "Authorization: Bearer <KLARBREV_NOEGLE>". {id} er skabelonens id fra GET /templates.
Private Const TYPE_DOCX As String = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Private Const TYPE_JSON As String = "application/json; charset=utf-8"

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
    If KLARBREV_TJENESTE <> "" Then
        TjekMedTjeneste d, kopi, kommenteret
        Exit Sub
    End If

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
    VisTjekket d, fejl, advarsler, lix
End Sub

' Opsummeringen efter et tjek: antal fejl og advarsler, LIX og hvad sagsbehandleren skal gøre.
Private Sub VisTjekket(ByVal d As Document, ByVal fejl As Double, ByVal advarsler As Double, ByVal lix As Double)
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
    If KLARBREV_TJENESTE <> "" Then
        NytBrevMedTjeneste
        Exit Sub
    End If
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

' ---- med tjenesten (KLARBREV_TJENESTE) ------------------------------------------------------------------------------

' KlarbrevTjek med tjenesten: sender kopien af det gemte brev og gemmer svaret, kopien med fundene som kommentarer, i
' kommenteret. Kopien, der blev sendt, slettes; kun den kommenterede bliver i %TEMP%\klarbrev, som uden tjenesten.
Private Sub TjekMedTjeneste(ByVal d As Document, ByVal kopi As String, ByVal kommenteret As String)
    Dim brev As Variant, ok As Boolean
    ok = LaesBytes(kopi, brev)
    SletFil kopi
    If Not ok Then Exit Sub

    Dim http As Object, fejltekst As String, status As Long
    VisStatus "klarbrev tjekker brevet ..."
    ' KLARBREV-HTTP: POST /check?annotate=1  Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document  body: brevet (.docx)
    status = Tjeneste("POST", "/check?annotate=1", TYPE_DOCX, brev, http, fejltekst)
    VisStatus ""
    If status <> 200 Then
        VisTjenesteFejl "klarbrev kunne ikke tjekke brevet.", status, http, fejltekst
        Exit Sub
    End If
    Dim fejl As Double, advarsler As Double, lix As Double
    If Not LaesOpsummering(http, fejl, advarsler, lix) Then
        VisUbrugeligtSvar "opsummeringen (Klarbrev-Summary: " & SvarOverskrift(http, "Klarbrev-Summary") & _
                          ") mangler eller kan ikke læses", http
        Exit Sub
    End If
    If Not GemSvar(http, kommenteret) Then Exit Sub
    Documents.Open FileName:=kommenteret, AddToRecentFiles:=False
    VisTjekket d, fejl, advarsler, lix
End Sub

' KlarbrevNytBrev med tjenesten: henter skabelonerne, lader sagsbehandleren vælge en (eller tager den, dokumentets
' egenskab klarbrev.skabelon nævner), bygger sagen af dokumentets egenskaber eller tager en .json-fil fra fagsystemet,
' spørger efter de felter, skabelonen kræver, som mangler, og sender sagen. Åbner brevet, eller, når tjekket finder
' fejl, udkastet med fundene som kommentarer og viser fejlene. Sagen skrives ikke på disken.
Private Sub NytBrevMedTjeneste()
    Dim http As Object, fejltekst As String, status As Long
    VisStatus "klarbrev henter skabelonerne ..."
    ' KLARBREV-HTTP: GET /templates  body: ingen
    status = Tjeneste("GET", "/templates", "", Empty, http, fejltekst)
    VisStatus ""
    If status <> 200 Then
        VisTjenesteFejl "klarbrev kunne ikke hente listen over skabeloner.", status, http, fejltekst
        Exit Sub
    End If
    Dim oversigt As Variant, skabeloner As Collection
    If Not JsonLaes(SvarTekst(http), oversigt) Then
        VisUbrugeligtSvar "listen over skabeloner er ikke JSON", http
        Exit Sub
    End If
    Set skabeloner = HentListe(oversigt, "templates")
    If skabeloner.Count = 0 Then
        MsgBox "Tjenesten har ingen skabeloner. Bed IT om at lægge skabelonerne i tjenestens skabelonmappe.", _
               vbExclamation, TITEL
        Exit Sub
    End If

    ' felterne i dokumentets egne egenskaber (Filer > Oplysninger > Egenskaber > Avancerede egenskaber > Brugerdefineret)
    Dim rod As Object, oensket As String, n As Long
    Set rod = CreateObject("Scripting.Dictionary")
    If Documents.Count > 0 Then
        If Not FelterFraEgenskaber(ActiveDocument, rod, oensket, n) Then Exit Sub
    End If
    Dim skab As Object
    Set skab = VaelgSkabelon(skabeloner, oensket)
    If skab Is Nothing Then Exit Sub

    Dim sag As Variant
    If n = 0 Then
        Select Case MsgBox("Har du sagen som en fil fra fagsystemet (.json)?" & vbCrLf & vbCrLf & _
                           "Ja: vælg filen." & vbCrLf & "Nej: skriv brevets felter ét ad gangen.", _
                           vbQuestion + vbYesNoCancel, TITEL)
        Case vbYes
            Dim fil As String
            fil = VaelgFil("Vælg sagen (en .json-fil fra fagsystemet)", "Sager", "*.json")
            If fil = "" Then Exit Sub
            If Not LaesBytes(fil, sag) Then Exit Sub
            sag = UdenBom(sag)
        Case vbNo
        Case Else
            Exit Sub
        End Select
    End If
    If IsEmpty(sag) Then
        If Not SpoergOmFelter(skab, rod) Then Exit Sub
        sag = Utf8Bytes(JsonObjekt(rod) & vbLf)
    End If

    Dim ud As String, stempel As String, brev As String, udkast As String, id As String
    ud = UdMappe()
    If ud = "" Then Exit Sub
    stempel = Format$(Now, "yyyymmdd-hhnnss")
    brev = ud & "\brev-" & stempel & ".docx"
    udkast = ud & "\udkast-" & stempel & ".docx"
    id = HentTekst(skab, "id")

    VisStatus "klarbrev laver brevet ..."
    ' KLARBREV-HTTP: POST /templates/{id}/fill  Content-Type: application/json; charset=utf-8  body: sagen (JSON i UTF-8)
    status = Tjeneste("POST", Replace("/templates/{id}/fill", "{id}", id), TYPE_JSON, sag, http, fejltekst)
    VisStatus ""
    Select Case status
    Case 200
        If Not GemSvar(http, brev) Then Exit Sub
        Documents.Open FileName:=brev
        MsgBox "Brevet er lavet og gemt i" & vbCrLf & brev & vbCrLf & vbCrLf & OpsummeringsLinje(http) & vbCrLf & _
               "Brug KlarbrevTjek, når du har skrevet i det.", vbInformation, TITEL
    Case 422
        ' tjekket fandt fejl, så brevet er ikke lavet: fejlene står i svaret, og udkastet hentes med kommentarerne
        Dim fejlene As String, linje As String, aabnet As Boolean
        fejlene = TjenestensDetaljer(http, 450)
        linje = OpsummeringsLinje(http)
        VisStatus "klarbrev henter udkastet ..."
        ' KLARBREV-HTTP: POST /templates/{id}/fill?format=draft  Content-Type: application/json; charset=utf-8  body: sagen (JSON i UTF-8)
        status = Tjeneste("POST", Replace("/templates/{id}/fill?format=draft", "{id}", id), TYPE_JSON, sag, http, fejltekst)
        VisStatus ""
        If status = 200 Then
            If GemSvar(http, udkast) Then
                Documents.Open FileName:=udkast, AddToRecentFiles:=False
                aabnet = True
            End If
        Else
            VisTjenesteFejl "klarbrev kunne ikke hente udkastet med kommentarer.", status, http, fejltekst
        End If
        MsgBox "Brevet er ikke gemt, fordi klarbrev fandt fejl, der skal rettes først:" & vbCrLf & vbCrLf & _
               fejlene & vbCrLf & _
               IIf(aabnet, "Udkastet med fundene som kommentarer er åbnet." & vbCrLf, "") & linje, vbExclamation, TITEL
    Case Else
        VisTjenesteFejl "klarbrev kunne ikke lave brevet.", status, http, fejltekst
    End Select
End Sub

' Skabelonen fra listen (GET /templates), som sagsbehandleren vælger ved at skrive dens nummer. Nævner dokumentets
' egenskab klarbrev.skabelon en skabelon (dens id, eller en mappe, hvis sidste del er id'et), tages den uden at spørge.
' Nothing, når sagsbehandleren annullerer.
Private Function VaelgSkabelon(ByVal skabeloner As Collection, ByVal oensket As String) As Object
    Dim skab As Object, v As Variant, id As String
    If oensket <> "" Then
        id = Replace(oensket, "/", "\")
        Do While Right$(id, 1) = "\"
            id = Left$(id, Len(id) - 1)
        Loop
        id = Mid$(id, InStrRev(id, "\") + 1)
        For Each v In skabeloner
            If IsObject(v) Then
                Set skab = v
                If HentTekst(skab, "id") = id Then
                    Set VaelgSkabelon = skab
                    Exit Function
                End If
            End If
        Next v
        MsgBox "Dokumentet nævner skabelonen """ & oensket & """ (egenskaben " & EGENSKAB_SKABELON & "), men " & _
               "tjenesten har ingen skabelon, der hedder """ & id & """. Vælg en fra listen.", vbExclamation, TITEL
    End If
    ' en side af listen ad gangen: InputBox viser højst omkring 1000 tegn
    Dim i As Long, start As Long, naeste As Long, tekst As String, linje As String, svar As String
    start = 1
    Do
        tekst = "Vælg skabelonen til brevet: skriv dens nummer." & vbCrLf & vbCrLf
        For i = start To skabeloner.Count
            linje = i & ". " & SkabelonNavn(skabeloner(i)) & vbCrLf
            If i > start And Len(tekst) + Len(linje) > 880 Then Exit For
            tekst = tekst & linje
        Next i
        naeste = i
        If naeste <= skabeloner.Count Or start > 1 Then
            tekst = tekst & vbCrLf & "Flere skabeloner: tryk OK uden at skrive et nummer."
        End If
        svar = InputBox(tekst, TITEL)
        If StrPtr(svar) = 0 Then Exit Function ' Annuller
        svar = Trim$(svar)
        If svar = "" Then
            If naeste > skabeloner.Count Then start = 1 Else start = naeste
        ElseIf svar Like "*[!0-9]*" Or Len(svar) > 6 Then
            MsgBox "Skriv skabelonens nummer, fx 1.", vbExclamation, TITEL
        ElseIf CLng(svar) < 1 Or CLng(svar) > skabeloner.Count Then
            MsgBox "Skriv et nummer fra 1 til " & skabeloner.Count & ".", vbExclamation, TITEL
        ElseIf IsObject(skabeloner(CLng(svar))) Then
            Set VaelgSkabelon = skabeloner(CLng(svar))
            Exit Function
        End If
    Loop
End Function

' "Afslag på kontanthjælp (afslag-kontanthjaelp)": skabelonens titel og id.
Private Function SkabelonNavn(ByVal skab As Variant) As String
    SkabelonNavn = HentTekst(skab, "title") & " (" & HentTekst(skab, "id") & ")"
End Function

' Spørger med InputBox efter hvert felt, skabelonen kræver (required), som sagen i rod ikke har, og sætter svaret i
' rod. Et tomt svar springer feltet over (så siger tjenesten, at det mangler); en liste kan ikke skrives i InputBox og
' springes også over. False, når sagsbehandleren annullerer.
Private Function SpoergOmFelter(ByVal skab As Object, ByVal rod As Object) As Boolean
    Dim v As Variant, felt As Object, svar As String, nr As Long, antal As Long
    For Each v In HentListe(skab, "fields")
        If SkalSpoerges(v, rod) Then antal = antal + 1
    Next v
    For Each v In HentListe(skab, "fields")
        If SkalSpoerges(v, rod) Then
            Set felt = v
            nr = nr + 1
            svar = InputBox(FeltSpoergsmaal(felt, nr, antal), TITEL & ": " & HentTekst(skab, "title"))
            If StrPtr(svar) = 0 Then Exit Function ' Annuller
            svar = Trim$(svar)
            If svar <> "" Then
                If Not SaetFelt(rod, HentTekst(felt, "path"), FeltSomJson(felt, svar)) Then
                    MsgBox "Feltet """ & HentTekst(felt, "path") & """ passer ikke med dokumentets egenskaber (et " & _
                           "felt kan ikke både have en værdi og underfelter). Ret dokumentets egenskaber.", _
                           vbExclamation, TITEL
                    Exit Function
                End If
            End If
        End If
    Next v
    SpoergOmFelter = True
End Function

' True for et felt (fra "fields"), som skal udfyldes, ikke er en liste og ikke står i sagen i rod.
Private Function SkalSpoerges(ByVal v As Variant, ByVal rod As Object) As Boolean
    If Not IsObject(v) Then Exit Function
    Dim felt As Object
    Set felt = v
    If HentTekst(felt, "path") = "" Or HentTekst(felt, "type") = "list" Then Exit Function
    If Not HentSandt(felt, "required") Then Exit Function
    SkalSpoerges = Not FeltFindes(rod, HentTekst(felt, "path"))
End Function

' True, når stien (med punktummer) har en værdi i træet af Scripting.Dictionary.
Private Function FeltFindes(ByVal rod As Object, ByVal sti As String) As Boolean
    Dim dele() As String, i As Long, node As Object
    dele = Split(sti, ".")
    Set node = rod
    For i = 0 To UBound(dele) - 1
        If Not node.Exists(dele(i)) Then Exit Function
        If Not IsObject(node(dele(i))) Then Exit Function
        Set node = node(dele(i))
    Next i
    FeltFindes = node.Exists(dele(UBound(dele)))
End Function

' Teksten i InputBox for et felt: dets navn og sti, beskrivelsen fra skabelonen og hvordan værdien skrives.
Private Function FeltSpoergsmaal(ByVal felt As Object, ByVal nr As Long, ByVal antal As Long) As String
    Dim t As String, beskrivelse As String, v As Variant, i As Long
    t = "Felt " & nr & " af " & antal & ": " & HentTekst(felt, "label") & " (" & HentTekst(felt, "path") & ")"
    beskrivelse = HentTekst(felt, "description")
    If Len(beskrivelse) > 500 Then beskrivelse = Left$(beskrivelse, 497) & "..."
    If beskrivelse <> "" Then t = t & vbCrLf & vbCrLf & beskrivelse
    Select Case HentTekst(felt, "type")
    Case "date"
        t = t & vbCrLf & vbCrLf & "Skriv datoen som ÅÅÅÅ-MM-DD (fx 2026-11-28) eller DD-MM-ÅÅÅÅ (fx 28-11-2026)."
    Case "amount", "number"
        t = t & vbCrLf & vbCrLf & "Skriv et tal, fx 58300 eller 1.234,50."
    Case "bool"
        t = t & vbCrLf & vbCrLf & "Skriv ja eller nej."
    Case "address"
        t = t & vbCrLf & vbCrLf & "Skriv adressens linjer med semikolon imellem, fx: Kastanjevej 14, 2. th.; 4470 Søby"
    Case "choice"
        t = t & vbCrLf & vbCrLf & "Skriv nummeret på en af disse:"
        For Each v In HentListe(felt, "values")
            i = i + 1
            t = t & vbCrLf & "  " & i & ". " & JsonSomTekst(v)
        Next v
    End Select
    FeltSpoergsmaal = Left$(t, 1000)
End Function

' Svaret fra InputBox som JSON-værdi efter feltets type: et tal som tal (dansk komma og tusindtalspunktum forstås), ja
' og nej som true og false, en dato DD-MM-ÅÅÅÅ som ÅÅÅÅ-MM-DD, et valgs nummer som valget, semikolon i en adresse som
' linjeskift og resten som tekst. Passer svaret ikke til typen, sendes det som tekst, og tjenesten siger, hvad der er
' galt.
Private Function FeltSomJson(ByVal felt As Object, ByVal svar As String) As String
    Dim t As String, dele() As String, i As Long, vaerdier As Collection
    FeltSomJson = JsonTekst(svar)
    Select Case HentTekst(felt, "type")
    Case "amount", "number"
        t = Replace(Replace(svar, " ", ""), "kr.", "")
        If InStr(t, ",") > 0 Then
            t = Replace(Replace(t, ".", ""), ",", ".")
        ElseIf ErTusinder(t) Then
            t = Replace(t, ".", "")
        End If
        If ErTal(t) Then FeltSomJson = t
    Case "bool"
        Select Case LCase$(svar)
        Case "ja", "j", "true": FeltSomJson = "true"
        Case "nej", "n", "false": FeltSomJson = "false"
        End Select
    Case "date"
        dele = Split(Replace(Replace(svar, ".", "-"), "/", "-"), "-")
        If UBound(dele) = 2 Then
            If dele(0) Like "#" Or dele(0) Like "##" Then
                If (dele(1) Like "#" Or dele(1) Like "##") And dele(2) Like "####" Then
                    FeltSomJson = JsonTekst(dele(2) & "-" & Right$("0" & dele(1), 2) & "-" & Right$("0" & dele(0), 2))
                End If
            End If
        End If
    Case "choice"
        Set vaerdier = HentListe(felt, "values")
        If Not svar Like "*[!0-9]*" And Len(svar) <= 6 Then
            i = CLng(svar)
            If i >= 1 And i <= vaerdier.Count Then FeltSomJson = JsonTekst(JsonSomTekst(vaerdier(i)))
        End If
    Case "address"
        dele = Split(svar, ";")
        For i = 0 To UBound(dele)
            dele(i) = Trim$(dele(i))
        Next i
        FeltSomJson = JsonTekst(Join(dele, vbLf))
    End Select
End Function

' True for et JSON-tal uden fortegn foran tallet og uden eksponent: 58300, 1234.5, -3.
Private Function ErTal(ByVal t As String) As Boolean
    If Left$(t, 1) = "-" Then t = Mid$(t, 2)
    If t = "" Or t Like "*[!0-9.]*" Or t Like "*.*.*" Then Exit Function
    If Left$(t, 1) = "." Or Right$(t, 1) = "." Then Exit Function
    If Left$(t, 1) = "0" And Len(t) > 1 And Mid$(t, 2, 1) <> "." Then Exit Function ' JSON tillader ikke 007
    ErTal = True
End Function

' True for et tal skrevet med tusindtalspunktum: 58.300, 1.234.567.
Private Function ErTusinder(ByVal t As String) As Boolean
    Dim dele() As String, i As Long
    dele = Split(t, ".")
    If UBound(dele) < 1 Then Exit Function
    If Not (dele(0) Like "#" Or dele(0) Like "##" Or dele(0) Like "###") Then Exit Function
    For i = 1 To UBound(dele)
        If Not dele(i) Like "###" Then Exit Function
    Next i
    ErTusinder = True
End Function

' ---- at tale med tjenesten ------------------------------------------------------------------------------------------

' Sender en forespørgsel til tjenesten (KLARBREV_TJENESTE & sti) med adgangsnøglen og venter på svaret, højst
' KLARBREV_TIDSGRAENSE sekunder. krop er en Byte-række eller Empty (ingen krop). Returnerer svarets HTTP-status med
' forespørgslen i http (svarets krop og overskrifter), eller 0, når der ikke kom et svar; så siger fejltekst hvorfor.
Private Function Tjeneste(ByVal metode As String, ByVal sti As String, ByVal indholdstype As String, _
                          ByVal krop As Variant, ByRef http As Object, ByRef fejltekst As String) As Long
    Dim url As String, ms As Long, forbind As Long
    url = KLARBREV_TJENESTE
    Do While Right$(url, 1) = "/"
        url = Left$(url, Len(url) - 1)
    Loop
    url = url & sti
    ms = KLARBREV_TIDSGRAENSE * 1000&
    forbind = ms
    If forbind > 30000 Then forbind = 30000
    fejltekst = ""
    On Error GoTo Fejl
    Set http = CreateObject("MSXML2.ServerXMLHTTP.6.0")
    http.setTimeouts forbind, forbind, ms, ms ' navneopslag, forbindelse, afsendelse, svar (millisekunder)
    http.Open metode, url, False
    If KLARBREV_NOEGLE <> "" Then http.setRequestHeader "Authorization", "Bearer " & KLARBREV_NOEGLE
    If indholdstype <> "" Then http.setRequestHeader "Content-Type", indholdstype
    If IsEmpty(krop) Then
        http.send
    Else
        http.send krop
    End If
    Tjeneste = http.status
    Exit Function
Fejl:
    fejltekst = ForbindelsesFejl(Err.Number, Err.Description, url)
    Tjeneste = 0
End Function

' Hvorfor tjenesten ikke svarede, på dansk, efter fejlkoden fra WinHTTP (ServerXMLHTTP), med Windows' egen tekst.
Private Function ForbindelsesFejl(ByVal nummer As Long, ByVal beskrivelse As String, ByVal url As String) As String
    Dim t As String
    Select Case nummer
    Case &H80072EE2 ' ERROR_WINHTTP_TIMEOUT
        t = "Tjenesten svarede ikke inden for " & KLARBREV_TIDSGRAENSE & " sekunder (KLARBREV_TIDSGRAENSE)."
    Case &H80072EE7 ' ERROR_WINHTTP_NAME_NOT_RESOLVED
        t = "Navnet i adressen " & url & " findes ikke. Er KLARBREV_TJENESTE stavet rigtigt, og er pc'en på " & _
            "kommunens net?"
    Case &H80072EFD ' ERROR_WINHTTP_CANNOT_CONNECT
        t = "Der er ingen forbindelse til tjenesten på " & url & ". Kører tjenesten, og er pc'en på kommunens net?"
    Case &H80072EFE ' ERROR_WINHTTP_CONNECTION_ERROR
        ' tjenesten afviser et stort brev (travlt, forkert nøgle, for stort), før den har læst det, og lukker
        ' forbindelsen; WinHTTP, der stadig sender, ser så kun, at forbindelsen blev afbrudt
        t = "Forbindelsen til tjenesten på " & url & " blev afbrudt, mens makroen sendte. Tjenesten kan have " & _
            "afvist forespørgslen (travlt, forkert adgangsnøgle eller et for stort brev). Prøv igen om lidt; " & _
            "sker det igen, så bed IT om at se i tjenestens log."
    Case &H80072F05, &H80072F06, &H80072F0D, &H80072F8F ' certifikatet: udløbet, forkert navn, ukendt udsteder, TLS
        t = "Windows godkender ikke tjenestens certifikat (HTTPS) på " & url & ". Bed IT om at se på certifikatet " & _
            "eller på, om pc'en stoler på den, der har udstedt det."
    Case Else
        t = "Tjenesten kunne ikke nås på " & url & "."
    End Select
    ForbindelsesFejl = t & vbCrLf & "(Windows siger: " & Trim$(beskrivelse) & ", fejl &H" & Hex$(nummer) & ")"
End Function

' Viser, hvorfor tjenesten ikke gjorde det, den blev bedt om: status 0 (intet svar; fejltekst siger hvorfor), eller
' svarets HTTP-status med tjenestens egen besked ("message") og detaljer ("details"). Intet bliver skjult.
Private Sub VisTjenesteFejl(ByVal hvad As String, ByVal status As Long, ByVal http As Object, _
                            ByVal fejltekst As String)
    Dim forklaring As String, ikon As Long, sekunder As String, besked As String
    ikon = vbCritical
    Select Case status
    Case 0
        forklaring = fejltekst
    Case 400
        forklaring = "Tjenesten kunne ikke bruge det, den fik (400). Ret det, der står herunder, og prøv igen."
        ikon = vbExclamation
    Case 401
        If KLARBREV_NOEGLE = "" Then
            forklaring = "Makroen har ingen adgangsnøgle til tjenesten (401). Bed IT om at skrive afdelingens " & _
                         "nøgle i KLARBREV_NOEGLE øverst i makroen."
        Else
            forklaring = "Tjenesten kender ikke makroens adgangsnøgle (401). Bed IT om at rette KLARBREV_NOEGLE " & _
                         "øverst i makroen."
        End If
    Case 403
        forklaring = "Afdelingens adgangsnøgle må ikke bruge denne del af tjenesten (403). Bed IT om at give " & _
                     "nøglen adgang."
    Case 413
        forklaring = "Brevet eller sagen er større, end tjenesten tager imod (413)."
    Case 503
        sekunder = Trim$(SvarOverskrift(http, "Retry-After"))
        If sekunder = "" Or sekunder Like "*[!0-9]*" Then sekunder = "et par"
        forklaring = "Tjenesten har travlt lige nu (503). Prøv igen om " & sekunder & " sekunder."
        ikon = vbExclamation
    Case Else
        forklaring = "Tjenesten svarede med fejl " & status & "."
    End Select
    If status <> 0 Then besked = TjenestensBesked(http, 450)
    If besked <> "" Then forklaring = forklaring & vbCrLf & vbCrLf & "Tjenesten svarede:" & vbCrLf & besked
    MsgBox hvad & vbCrLf & vbCrLf & forklaring, ikon, TITEL
End Sub

' Tjenestens fejlsvar ({"code", "message", "details": [...]}) som tekst: beskeden og detaljerne, højst omkring
' hoejst tegn af dem. Er svaret ikke JSON, dets første linjer.
Private Function TjenestensBesked(ByVal http As Object, ByVal hoejst As Long) As String
    Dim fejlsvar As Variant, tekst As String
    tekst = SvarTekst(http)
    If JsonLaes(tekst, fejlsvar) Then
        TjenestensBesked = HentTekst(fejlsvar, "message") & vbCrLf & Punkter(HentListe(fejlsvar, "details"), hoejst)
    Else
        TjenestensBesked = Left$(Trim$(tekst), 300)
    End If
End Function

' Detaljerne i tjenestens fejlsvar (fx hver fejl, der stopper brevet), én pr. linje.
Private Function TjenestensDetaljer(ByVal http As Object, ByVal hoejst As Long) As String
    Dim fejlsvar As Variant
    If JsonLaes(SvarTekst(http), fejlsvar) Then TjenestensDetaljer = Punkter(HentListe(fejlsvar, "details"), hoejst)
    If TjenestensDetaljer = "" Then TjenestensDetaljer = "(se udkastet)" & vbCrLf
End Function

' Teksterne i liste som punkter ("- ..."), så mange, som der er plads til i hoejst tegn; resten tælles.
Private Function Punkter(ByVal liste As Collection, ByVal hoejst As Long) As String
    Dim v As Variant, linje As String, r As String, n As Long, vist As Long
    For Each v In liste
        n = n + 1
        linje = JsonSomTekst(v)
        If Len(linje) > 300 Then linje = Left$(linje, 297) & "..."
        If vist = 0 Or Len(r) + Len(linje) <= hoejst Then
            r = r & "- " & linje & vbCrLf
            vist = vist + 1
        End If
    Next v
    If n > vist Then r = r & "(og " & (n - vist) & " mere)" & vbCrLf
    Punkter = r
End Function

' Tallene i svarets overskrift Klarbrev-Summary ({"errors":0,"warnings":2,"lix":38.5}). False, når den mangler eller
' ikke kan læses.
Private Function LaesOpsummering(ByVal http As Object, ByRef fejl As Double, ByRef advarsler As Double, _
                                 ByRef lix As Double) As Boolean
    Dim opsummering As Variant
    If Not JsonLaes(SvarOverskrift(http, "Klarbrev-Summary"), opsummering) Then Exit Function
    fejl = HentTal(opsummering, "errors")
    advarsler = HentTal(opsummering, "warnings")
    lix = HentTal(opsummering, "lix")
    LaesOpsummering = fejl >= 0 And advarsler >= 0 And lix >= 0
End Function

' "LIX 23,4 · 0 fejl · 2 advarsler" fra svarets opsummering ("" uden en).
Private Function OpsummeringsLinje(ByVal http As Object) As String
    Dim fejl As Double, advarsler As Double, lix As Double
    If LaesOpsummering(http, fejl, advarsler, lix) Then
        OpsummeringsLinje = "LIX " & Format$(lix, "0.0") & " · " & fejl & " fejl · " & advarsler & " " & _
                            IIf(advarsler = 1, "advarsel", "advarsler")
    End If
End Function

' Gemmer svarets krop i fil, når den er et Word-dokument. False efter en besked, når den ikke er det (fx en side fra
' en proxy) eller ikke kan gemmes.
Private Function GemSvar(ByVal http As Object, ByVal fil As String) As Boolean
    Dim art As String
    art = SvarOverskrift(http, "Content-Type")
    If LCase$(Left$(art, Len(TYPE_DOCX))) <> TYPE_DOCX Then
        VisUbrugeligtSvar "det er ikke et Word-dokument, men " & IIf(art = "", "uden Content-Type", art), http
        Exit Function
    End If
    GemSvar = SkrivBytes(fil, http.responseBody)
End Function

Private Sub VisUbrugeligtSvar(ByVal hvad As String, ByVal http As Object)
    MsgBox "Tjenestens svar kunne ikke bruges: " & hvad & "." & vbCrLf & vbCrLf & _
           "Er KLARBREV_TJENESTE (" & KLARBREV_TJENESTE & ") adressen på klarbrev-tjenesten? Svaret begyndte:" & _
           vbCrLf & Left$(SvarTekst(http), 300), vbCritical, TITEL
End Sub

' Svarets overskrift navn ("" når den mangler).
Private Function SvarOverskrift(ByVal http As Object, ByVal navn As String) As String
    On Error Resume Next
    SvarOverskrift = http.getResponseHeader(navn)
End Function

' Svarets krop som tekst (tjenesten svarer i UTF-8).
Private Function SvarTekst(ByVal http As Object) As String
    SvarTekst = Utf8Tekst(http.responseBody)
End Function

' Viser tekst i Words statuslinje, mens makroen venter på tjenesten.
Private Sub VisStatus(ByVal tekst As String)
    On Error Resume Next
    Application.StatusBar = tekst
    DoEvents
End Sub

' ---- JSON fra tjenesten ---------------------------------------------------------------------------------------------
' En lille JSON-læser (RFC 8259) til tjenestens svar: et objekt bliver en Scripting.Dictionary, en liste en Collection,
' en tekst en String, et tal en Double, true og false en Boolean og null Null. Svarene læses kun med HentTekst,
' HentTal, HentListe og HentSandt, så tests/cli/test_macro_http.sh kan finde hver nøgle, makroen bruger.

' Læser hele teksten json til vaerdi. False, når den ikke er gyldig JSON.
Private Function JsonLaes(ByVal json As String, ByRef vaerdi As Variant) As Boolean
    Dim i As Long
    i = 1
    On Error GoTo Ugyldig
    If Not JsonVaerdiVed(json, i, vaerdi) Then Exit Function
    JsonMellemrum json, i
    JsonLaes = i > Len(json)
Ugyldig:
End Function

' Læser værdien, der begynder ved position i i s (efter mellemrum), til ud og flytter i forbi den. ud er tom, når
' funktionen kaldes (hvert kald får sin egen).
Private Function JsonVaerdiVed(ByRef s As String, ByRef i As Long, ByRef ud As Variant) As Boolean
    JsonMellemrum s, i
    Select Case Mid$(s, i, 1)
    Case "{"
        Dim d As Object
        Set d = CreateObject("Scripting.Dictionary")
        i = i + 1
        JsonMellemrum s, i
        If Mid$(s, i, 1) <> "}" Then
            Do
                If Not JsonParVed(s, i, d) Then Exit Function
                JsonMellemrum s, i
                If Mid$(s, i, 1) = "}" Then Exit Do
                If Mid$(s, i, 1) <> "," Then Exit Function
                i = i + 1
            Loop
        End If
        i = i + 1
        Set ud = d
    Case "["
        Dim c As Collection
        Set c = New Collection
        i = i + 1
        JsonMellemrum s, i
        If Mid$(s, i, 1) <> "]" Then
            Do
                If Not JsonElementVed(s, i, c) Then Exit Function
                JsonMellemrum s, i
                If Mid$(s, i, 1) = "]" Then Exit Do
                If Mid$(s, i, 1) <> "," Then Exit Function
                i = i + 1
            Loop
        End If
        i = i + 1
        Set ud = c
    Case """"
        Dim t As String
        If Not JsonStrengVed(s, i, t) Then Exit Function
        ud = t
    Case "t"
        If Mid$(s, i, 4) <> "true" Then Exit Function
        i = i + 4
        ud = True
    Case "f"
        If Mid$(s, i, 5) <> "false" Then Exit Function
        i = i + 5
        ud = False
    Case "n"
        If Mid$(s, i, 4) <> "null" Then Exit Function
        i = i + 4
        ud = Null
    Case "-", "0" To "9"
        Dim j As Long
        j = i
        Do While j <= Len(s)
            If InStr("0123456789+-.eE", Mid$(s, j, 1)) = 0 Then Exit Do
            j = j + 1
        Loop
        ud = Val(Mid$(s, i, j - i)) ' Val læser altid punktum som decimaltegn, som JSON skriver det
        i = j
    Case Else
        Exit Function
    End Select
    JsonVaerdiVed = True
End Function

' Et par "nøgle": værdi i objektet d (den sidste af to ens nøgler gælder).
Private Function JsonParVed(ByRef s As String, ByRef i As Long, ByVal d As Object) As Boolean
    Dim k As String, v As Variant
    JsonMellemrum s, i
    If Mid$(s, i, 1) <> """" Then Exit Function
    If Not JsonStrengVed(s, i, k) Then Exit Function
    JsonMellemrum s, i
    If Mid$(s, i, 1) <> ":" Then Exit Function
    i = i + 1
    If Not JsonVaerdiVed(s, i, v) Then Exit Function
    If d.Exists(k) Then d.Remove k
    d.Add k, v
    JsonParVed = True
End Function

' Et element i listen c.
Private Function JsonElementVed(ByRef s As String, ByRef i As Long, ByVal c As Collection) As Boolean
    Dim v As Variant
    If Not JsonVaerdiVed(s, i, v) Then Exit Function
    c.Add v
    JsonElementVed = True
End Function

' Teksten i anførselstegn ved i (med \-tegn som \n og \u00e6) til ud; i flyttes forbi det sidste anførselstegn.
Private Function JsonStrengVed(ByRef s As String, ByRef i As Long, ByRef ud As String) As Boolean
    Dim slut As Long, bs As Long, kode As Long, hex4 As String
    ud = ""
    i = i + 1
    Do
        slut = InStr(i, s, """")
        If slut = 0 Then Exit Function
        bs = InStr(i, s, "\")
        If bs = 0 Or bs > slut Then
            ud = ud & Mid$(s, i, slut - i)
            i = slut + 1
            JsonStrengVed = True
            Exit Function
        End If
        ud = ud & Mid$(s, i, bs - i)
        i = bs + 2
        Select Case Mid$(s, bs + 1, 1)
        Case """": ud = ud & """"
        Case "\": ud = ud & "\"
        Case "/": ud = ud & "/"
        Case "b": ud = ud & vbBack
        Case "f": ud = ud & vbFormFeed
        Case "n": ud = ud & vbLf
        Case "r": ud = ud & vbCr
        Case "t": ud = ud & vbTab
        Case "u"
            hex4 = Mid$(s, bs + 2, 4)
            If Not hex4 Like "[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]" Then Exit Function
            kode = CLng("&H" & hex4)
            If kode < 0 Then kode = kode + 65536 ' "&HE000" læses som et negativt Integer
            ud = ud & ChrW(kode)
            i = bs + 6
        Case Else
            Exit Function
        End Select
    Loop
End Function

Private Sub JsonMellemrum(ByRef s As String, ByRef i As Long)
    Do While i <= Len(s)
        Select Case Mid$(s, i, 1)
        Case " ", vbTab, vbLf, vbCr: i = i + 1
        Case Else: Exit Do
        End Select
    Loop
End Sub

' Slår noegle op i o, når o er et JSON-objekt, til v. False, når o ikke er et objekt, eller nøglen ikke findes.
Private Function JsonFelt(ByVal o As Variant, ByVal noegle As String, ByRef v As Variant) As Boolean
    If Not IsObject(o) Then Exit Function
    If o Is Nothing Then Exit Function
    If TypeName(o) <> "Dictionary" Then Exit Function
    If Not o.Exists(noegle) Then Exit Function
    If IsObject(o(noegle)) Then Set v = o(noegle) Else v = o(noegle)
    JsonFelt = True
End Function

' Teksten under noegle i JSON-objektet o; "" når den mangler eller er null, en liste eller et objekt.
Private Function HentTekst(ByVal o As Variant, ByVal noegle As String) As String
    Dim v As Variant
    If JsonFelt(o, noegle, v) Then HentTekst = JsonSomTekst(v)
End Function

' Tallet under noegle i JSON-objektet o; -1, når det mangler eller ikke er et tal.
Private Function HentTal(ByVal o As Variant, ByVal noegle As String) As Double
    Dim v As Variant
    HentTal = -1
    If Not JsonFelt(o, noegle, v) Then Exit Function
    If VarType(v) = vbDouble Then HentTal = v
End Function

' Listen under noegle i JSON-objektet o; en tom liste, når den mangler eller ikke er en liste.
Private Function HentListe(ByVal o As Variant, ByVal noegle As String) As Collection
    Dim v As Variant
    Set HentListe = New Collection
    If Not JsonFelt(o, noegle, v) Then Exit Function
    If IsObject(v) Then
        If TypeName(v) = "Collection" Then Set HentListe = v
    End If
End Function

' True, når værdien under noegle i JSON-objektet o er true.
Private Function HentSandt(ByVal o As Variant, ByVal noegle As String) As Boolean
    Dim v As Variant
    If Not JsonFelt(o, noegle, v) Then Exit Function
    If VarType(v) = vbBoolean Then HentSandt = v
End Function

' En JSON-værdi (tekst, tal eller true/false) som tekst; "" for null, en liste eller et objekt.
Private Function JsonSomTekst(ByVal v As Variant) As String
    If IsObject(v) Then Exit Function
    If IsNull(v) Then Exit Function
    Select Case VarType(v)
    Case vbDouble: JsonSomTekst = Trim$(Str$(v)) ' med punktum, som i JSON
    Case vbBoolean: JsonSomTekst = IIf(v, "true", "false")
    Case Else: JsonSomTekst = CStr(v)
    End Select
End Function

' ---- sagen fra dokumentets egenskaber -------------------------------------------------------------------------------

' Bygger sagen af dokumentets brugerdefinerede egenskaber (FelterFraEgenskaber) og skriver den som UTF-8 i fil.
' Har dokumentet ingen felter, lades sag tom (så spørger makroen). Returnerer False ved en fejl.
Private Function SagFraEgenskaber(ByVal d As Document, ByVal fil As String, ByRef skabelon As String, _
                                  ByRef sag As String) As Boolean
    Dim rod As Object, n As Long
    Set rod = CreateObject("Scripting.Dictionary")
    If Not FelterFraEgenskaber(d, rod, skabelon, n) Then Exit Function
    If n > 0 Then
        SkrivUtf8 fil, JsonObjekt(rod) & vbLf
        sag = fil
    End If
    SagFraEgenskaber = True
End Function

' Læser dokumentets brugerdefinerede egenskaber: "klarbrev.skabelon" er skabelonen (dens mappe, eller med tjenesten
' dens id), og hver egenskab "felt.<sti>" er et felt, der sættes i rod ("felt.modtager.navn" bliver
' {"modtager": {"navn": ...}}). n er antallet af felter. Returnerer False efter en besked ved en fejl.
Private Function FelterFraEgenskaber(ByVal d As Document, ByVal rod As Object, ByRef skabelon As String, _
                                     ByRef n As Long) As Boolean
    Dim p As Object
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
    FelterFraEgenskaber = True
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

' Filens bytes i data (en Byte-række). False efter en besked, når filen er tom eller ikke kan læses.
Private Function LaesBytes(ByVal fil As String, ByRef data As Variant) As Boolean
    Dim s As Object
    On Error GoTo Fejl
    If FileLen(fil) = 0 Then
        MsgBox "Filen " & fil & " er tom.", vbExclamation, TITEL
        Exit Function
    End If
    Set s = CreateObject("ADODB.Stream")
    s.Type = 1 ' adTypeBinary
    s.Open
    s.LoadFromFile fil
    data = s.Read
    s.Close
    LaesBytes = True
    Exit Function
Fejl:
    MsgBox "Filen " & fil & " kunne ikke læses: " & Err.Description, vbExclamation, TITEL
End Function

' Skriver data (en Byte-række, fx et svar fra tjenesten) i fil. False efter en besked, når det ikke kan lade sig gøre.
Private Function SkrivBytes(ByVal fil As String, ByVal data As Variant) As Boolean
    Dim s As Object
    On Error GoTo Fejl
    Set s = CreateObject("ADODB.Stream")
    s.Type = 1 ' adTypeBinary
    s.Open
    s.Write data
    s.SaveToFile fil, 2 ' adSaveCreateOverWrite
    s.Close
    SkrivBytes = True
    Exit Function
Fejl:
    MsgBox "Svaret fra klarbrev kunne ikke gemmes i " & fil & ": " & Err.Description, vbExclamation, TITEL
End Function

' Byte-rækken data læst som UTF-8 ("" for ingen bytes).
Private Function Utf8Tekst(ByVal data As Variant) As String
    Dim s As Object
    On Error GoTo Tom
    If AntalBytes(data) = 0 Then Exit Function
    Set s = CreateObject("ADODB.Stream")
    s.Type = 1 ' adTypeBinary
    s.Open
    s.Write data
    s.Position = 0
    s.Type = 2 ' adTypeText (typen kan kun skiftes på position 0)
    s.Charset = "utf-8"
    Utf8Tekst = s.ReadText
    s.Close
Tom:
End Function

' Antallet af bytes i Byte-rækken data (0 for en tom række, Empty og Null).
Private Function AntalBytes(ByVal data As Variant) As Long
    On Error Resume Next ' UBound på en tom række er en fejl
    If IsArray(data) Then AntalBytes = UBound(data) - LBound(data) + 1
End Function

' tekst som UTF-8 uden byte order mark, som en Byte-række (sådan læser tjenesten en sag).
Private Function Utf8Bytes(ByVal tekst As String) As Variant
    Dim s As Object
    Set s = CreateObject("ADODB.Stream")
    s.Type = 2 ' adTypeText
    s.Charset = "utf-8"
    s.Open
    s.WriteText tekst
    s.Position = 0
    s.Type = 1 ' adTypeBinary
    s.Position = 3 ' efter de tre bytes (byte order mark), ADODB skriver først
    Utf8Bytes = s.Read
    s.Close
End Function

' data uden en UTF-8 byte order mark foran (Notesblok kan gemme den; en sag i JSON må ikke begynde med den).
Private Function UdenBom(ByVal data As Variant) As Variant
    UdenBom = data
    If AntalBytes(data) <= 3 Then Exit Function
    If data(0) <> &HEF Or data(1) <> &HBB Or data(2) <> &HBF Then Exit Function
    Dim s As Object
    Set s = CreateObject("ADODB.Stream")
    s.Type = 1 ' adTypeBinary
    s.Open
    s.Write data
    s.Position = 3
    UdenBom = s.Read
    s.Close
End Function

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
